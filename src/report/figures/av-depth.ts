/**
 * Pictures for issue 17's A/V findings, drawn from the report JSON alone like charts.ts:
 * flashes per second over time with the limit and the hazardous stretches shaded
 * (video.flashing), the phase between left and right with the threshold and the out-of-phase
 * stretches (audio.phase, when it did not pass), and the frame with its black bars shaded
 * over the thumbnail (video.letterbox, when it did not pass). Inline SVG, no script; colours
 * inline so the report's shared CSS needs nothing new.
 */
import { escapeHtml, safeImageUri } from '../escape.js';
import type { QcReport } from '../schema.js';
import { formatNumber, NBSP, timecode } from '../units.js';

type Check = QcReport['checks'][number];

const W = 360;
const FONT = 12;
const HAZARD = '#cf222e';
const LINE = '#0969da';

function ticks(min: number, max: number, count: number): number[] {
  const raw = (max - min || 1) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

interface TimeChart {
  label: string;
  points: Array<[number, number]>;
  duration: number;
  yMin: number;
  yMax: number;
  /** A horizontal line: the limit (flashes) or threshold (phase). */
  limit: number;
  segments: Array<{ start_s: number; end_s: number }>;
  y_label: string;
  /** Step line (a count) or a plain line (a measurement). */
  step: boolean;
}

/** Values over time with a limit line and shaded stretches. */
function timeChart(c: TimeChart): string {
  const H = 170;
  const pad = { l: 40, r: 8, t: 10, b: 34 };
  const xMax = Math.max(c.duration, ...c.points.map((p) => p[0]), 1);
  const sx = (x: number) => pad.l + (Math.min(Math.max(x, 0), xMax) / xMax) * (W - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - (Math.min(Math.max(y, c.yMin), c.yMax) - c.yMin) / (c.yMax - c.yMin)) * (H - pad.t - pad.b);
  const shaded = c.segments
    .map((s) => `<rect x="${sx(s.start_s).toFixed(1)}" y="${pad.t}" width="${Math.max(2, sx(s.end_s) - sx(s.start_s)).toFixed(1)}" height="${H - pad.t - pad.b}" fill="${HAZARD}" fill-opacity="0.18"><title>${escapeHtml(`${timecode(s.start_s)}–${timecode(s.end_s)}`)}</title></rect>`)
    .join('');
  const path = c.points
    .map(([x, y], i) => {
      const px = sx(x).toFixed(1);
      const py = sy(y).toFixed(1);
      if (i === 0) return `M${px},${py}`;
      return c.step ? `H${px}V${py}` : `L${px},${py}`;
    })
    .join('');
  const grid = ticks(c.yMin, c.yMax, 4)
    .map((y) => `<line class="grid" x1="${pad.l}" x2="${W - pad.r}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}"/><text x="${pad.l - 4}" y="${sy(y).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatNumber(y, 1))}</text>`)
    .join('');
  const xTicks = ticks(0, xMax, 4)
    .map((x) => `<text x="${sx(x).toFixed(1)}" y="${H - pad.b + 15}" text-anchor="middle">${escapeHtml(formatNumber(x, 1))}</text>`)
    .join('');
  const limitY = sy(c.limit).toFixed(1);
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(c.label)}" font-size="${FONT}">
${shaded}${grid}<line x1="${pad.l}" x2="${W - pad.r}" y1="${limitY}" y2="${limitY}" stroke="${HAZARD}" stroke-dasharray="5 3" stroke-width="1.5"/>
<path d="${path}" fill="none" stroke="${LINE}" stroke-width="1.8"/>
<line class="axis" x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}"/>${xTicks}
<text x="${(pad.l + W - pad.r) / 2}" y="${H - 3}" text-anchor="middle">time (s)</text>
<text x="10" y="${(pad.t + H - pad.b) / 2}" text-anchor="middle" transform="rotate(-90 10 ${(pad.t + H - pad.b) / 2})">${escapeHtml(c.y_label)}</text>
</svg>`;
}

const ran = (report: QcReport, id: string): Check | undefined => report.checks.find((c) => c.id === id && c.status !== 'skipped' && c.status !== 'error');
const segmentsOf = (check: Check, label: RegExp) =>
  (check.evidence ?? []).filter((e) => e.start_s !== undefined && e.end_s !== undefined && !e.series && label.test(e.label ?? '')).map((e) => ({ start_s: e.start_s!, end_s: e.end_s!, label: e.label ?? '' }));
const swatch = (style: string) => `<span class="sw" style="${style}"></span>`;

/** Flashes per second over time, the limit, and the hazardous stretches (video.flashing). */
export function flashFigure(report: QcReport): string {
  const check = ran(report, 'video.flashing');
  const series = check?.evidence?.find((e) => e.series)?.series;
  if (!check || !series) return '';
  const segments = segmentsOf(check, /flashing/);
  const peak = Math.max(0, ...series.points.map((p) => p[1]));
  // A clip that never flashes over the area limit needs no picture.
  if (peak === 0 && segments.length === 0) return '';
  const limit = series.band?.max ?? 3;
  const duration = Number(report.asset.info['duration_s']) || Math.max(...series.points.map((p) => p[0]));
  const svg = timeChart({ label: 'Flashes per second over time', points: series.points, duration, yMin: 0, yMax: Math.max(limit + 1, Math.ceil(peak) + 1), limit, segments, y_label: 'flashes / s', step: true });
  const legend = [
    `<li><span class="sw sw-line"></span>Flashes in the second before (over ${escapeHtml(formatNumber(Number(check.expected?.['min_area'] ?? 0.25) * 100, 0))}${NBSP}% of the screen)</li>`,
    `<li>${swatch(`height:0;border-top:2px dashed ${HAZARD}`)}Limit: ${escapeHtml(formatNumber(limit, 1))} a second</li>`,
    `<li>${swatch(`background:${HAZARD}2e`)}${segments.length === 0 ? 'No hazardous stretch' : escapeHtml(segments.map((s) => `${s.label[0]!.toUpperCase()}${s.label.slice(1)} ${timecode(s.start_s)}–${timecode(s.end_s)}`).join(', '))}</li>`,
  ].join('');
  return `<h3>Flashing</h3><figure class="picture">${svg}<figcaption><ul class="legend">${legend}</ul></figcaption></figure>`;
}

/** Phase between left and right over time, when audio.phase did not pass. */
export function phaseFigure(report: QcReport): string {
  const check = ran(report, 'audio.phase');
  const series = check?.evidence?.find((e) => e.series)?.series;
  if (!check || check.status === 'pass' || !series) return '';
  const threshold = series.band?.min ?? -0.3;
  const segments = segmentsOf(check, /out of phase/);
  const duration = Number(report.asset.info['duration_s']) || Math.max(...series.points.map((p) => p[0]));
  const svg = timeChart({ label: 'Phase between left and right over time', points: series.points, duration, yMin: -1, yMax: 1, limit: threshold, segments, y_label: 'phase', step: false });
  const legend = [
    `<li><span class="sw sw-line"></span>Phase (+1 same, 0 unrelated, −1 inverted)</li>`,
    `<li>${swatch(`height:0;border-top:2px dashed ${HAZARD}`)}Threshold ${escapeHtml(formatNumber(threshold, 2))}</li>`,
    `<li>${swatch(`background:${HAZARD}2e`)}Out of phase: ${escapeHtml(segments.map((s) => `${timecode(s.start_s)}–${timecode(s.end_s)}`).join(', ') || 'none')}</li>`,
  ].join('');
  return `<h3>Phase (mono compatibility)</h3><figure class="picture">${svg}<figcaption><ul class="legend">${legend}</ul></figcaption></figure>`;
}

/** The frame with its bars shaded over the thumbnail, when video.letterbox did not pass. */
export function barsFigure(report: QcReport): string {
  const check = ran(report, 'video.letterbox');
  const box = check?.evidence?.find((e) => e.box)?.box;
  if (!check || check.status === 'pass' || !box) return '';
  const width = Number(report.asset.info['width']) || 16;
  const height = Number(report.asset.info['height']) || 9;
  const vbW = 320;
  const vbH = Math.round((vbW * height) / width);
  const thumb = safeImageUri(report.asset.thumbnail);
  const x = box.x * vbW;
  const y = box.y * vbH;
  const w = box.w * vbW;
  const h = box.h * vbH;
  const bars = [
    [0, 0, vbW, y],
    [0, y + h, vbW, vbH - y - h],
    [0, y, x, h],
    [x + w, y, vbW - x - w, h],
  ]
    .filter(([, , bw, bh]) => bw! > 0.5 && bh! > 0.5)
    .map(([bx, by, bw, bh]) => `<rect x="${bx!.toFixed(1)}" y="${by!.toFixed(1)}" width="${bw!.toFixed(1)}" height="${bh!.toFixed(1)}" fill="${HAZARD}" fill-opacity="0.35"/>`)
    .join('');
  const svg = `<svg class="chart" viewBox="0 0 ${vbW} ${vbH}" role="img" aria-label="The frame with its black bars marked">${thumb ? `<image href="${thumb}" x="0" y="0" width="${vbW}" height="${vbH}" preserveAspectRatio="none"/>` : `<rect x="0" y="0" width="${vbW}" height="${vbH}" fill="#24292f"/>`}${bars}<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="none" stroke="${LINE}" stroke-width="2"/></svg>`;
  const aspect = Number(check.measured?.['active_aspect']);
  const legend = `<li>${swatch(`background:${HAZARD}59`)}Black bars (${escapeHtml(String(check.measured?.['shape'] ?? ''))})</li><li>${swatch(`border:2px solid ${LINE};background:#fff`)}Active picture${Number.isFinite(aspect) ? ` ${escapeHtml(formatNumber(aspect, 2))}:1` : ''}</li>`;
  return `<h3>Black bars</h3><figure class="picture">${svg}<figcaption><ul class="legend">${legend}</ul></figcaption></figure>`;
}

/** Every issue 17 A/V picture, for the report's "At a glance" (one hook in html.ts). */
export function avDepthFigures(report: QcReport): string {
  return [flashFigure(report), phaseFigure(report), barsFigure(report)].join('');
}
