/**
 * The report's pictures as inline SVG (no script, no fetch): loudness over time with the target
 * band and true-peak markers, a timeline of black/freeze/silence segments, and the PDF's pages
 * with their findings marked. Every chart is drawn in a viewBox about as wide as a phone column
 * (360 units), so its 12-unit labels stay at least 11 px on a 390 px screen and on paper;
 * legends are HTML beside the SVG.
 */
import { escapeHtml, safeImageUri } from './escape.js';
import type { CheckRow, EvidenceItem } from './evidence.js';
import { PAGES_DRAWN, type QcReport } from './schema.js';
import { formatNumber, NBSP, pageRanges, timecode } from './units.js';

const W = 360;
const FONT = 12;

function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) ticks.push(Number(v.toFixed(6)));
  return ticks;
}

export interface TruePeakMarker {
  t: number;
  dbtp: number;
  over: boolean;
}

/** Loudness over time: the short-term curve, the target band, and where the true peak was reached. */
export function loudnessChart(series: NonNullable<EvidenceItem['series']>, markers: readonly TruePeakMarker[]): string {
  const pts = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) return '';
  const H = 190;
  const pad = { l: 40, r: 8, t: 10, b: 34 };
  const band = series.band;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(...xs, ...markers.map((m) => m.t), xMin + 1);
  let yMin = Math.floor(Math.min(...ys, band?.min ?? Infinity) - 2);
  let yMax = Math.ceil(Math.max(...ys, band?.max ?? -Infinity) + 2);
  if (yMax - yMin < 6) {
    yMin -= 3;
    yMax += 3;
  }
  const sx = (x: number) => pad.l + ((x - xMin) / (xMax - xMin)) * (W - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - (y - yMin) / (yMax - yMin)) * (H - pad.t - pad.b);
  const path = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
  const yTicks = niceTicks(yMin, yMax, 4)
    .map((y) => `<line class="grid" x1="${pad.l}" x2="${W - pad.r}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}"/><text x="${pad.l - 4}" y="${sy(y).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatNumber(y, 0))}</text>`)
    .join('');
  const xTicks = niceTicks(xMin, xMax, 4)
    .map((x) => `<text x="${sx(x).toFixed(1)}" y="${H - pad.b + 15}" text-anchor="middle">${escapeHtml(formatNumber(x, 1))}</text>`)
    .join('');
  const bandRect = band
    ? `<rect class="band" x="${pad.l}" y="${sy(band.max).toFixed(1)}" width="${W - pad.l - pad.r}" height="${Math.max(1, sy(band.min) - sy(band.max)).toFixed(1)}"/>`
    : '';
  const peaks = markers
    .map((m) => {
      const x = sx(m.t).toFixed(1);
      return `<g class="peak${m.over ? ' over' : ''}"><line x1="${x}" x2="${x}" y1="${pad.t}" y2="${H - pad.b}"/><path d="M${x},${pad.t + 9} l-5,-9 h10 z"/></g>`;
    })
    .join('');
  const svg = `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Loudness over time" font-size="${FONT}">
${bandRect}${yTicks}<path class="line" d="${path}"/>${peaks}
<line class="axis" x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}"/>${xTicks}
<text x="${(pad.l + W - pad.r) / 2}" y="${H - 3}" text-anchor="middle">${escapeHtml(series.x_label)}</text>
<text x="10" y="${(pad.t + H - pad.b) / 2}" text-anchor="middle" transform="rotate(-90 10 ${(pad.t + H - pad.b) / 2})">${escapeHtml(series.y_label)}</text>
</svg>`;
  const legend = [
    `<li><span class="sw sw-line"></span>Short-term loudness (3 s window)</li>`,
    band ? `<li><span class="sw sw-band"></span>Target ${escapeHtml(formatNumber(band.min, 1))} to ${escapeHtml(formatNumber(band.max, 1))} ${escapeHtml(series.y_label)}</li>` : '',
    ...markers.map((m) => `<li><span class="sw sw-peak${m.over ? ' over' : ''}"></span>True peak ${escapeHtml(formatNumber(m.dbtp, 1))}${NBSP}dBTP at ${escapeHtml(timecode(m.t))}${m.over ? ' — over the ceiling' : ''}</li>`),
  ].join('');
  return `<figure class="picture">${svg}<figcaption><ul class="legend">${legend}</ul></figcaption></figure>`;
}

/** True-peak moments from audio.true_peak's evidence (an instant with `detail.dbtp`). */
export function truePeakMarkers(check: CheckRow | undefined): TruePeakMarker[] {
  if (!check) return [];
  return (check.evidence ?? [])
    .filter((e) => e.start_s !== undefined && typeof e.detail?.['dbtp'] === 'number')
    .map((e) => ({ t: e.start_s!, dbtp: e.detail!['dbtp'] as number, over: e.detail!['over'] === true }));
}

const SEGMENT_KINDS = [
  { check: 'video.black_frames', kind: 'black', row: 'Picture', name: 'Black' },
  { check: 'video.freeze_frames', kind: 'freeze', row: 'Picture', name: 'Frozen' },
  { check: 'audio.silence', kind: 'silence', row: 'Sound', name: 'Silent' },
] as const;

/** One bar per clip: where the picture is black or frozen and where the sound is silent. */
export function segmentTimeline(report: QcReport): string {
  const duration = Number(report.asset.info['duration_s']);
  if (!Number.isFinite(duration) || duration <= 0) return '';
  const found = SEGMENT_KINDS.map((k) => ({
    ...k,
    segments: (report.checks.find((c) => c.id === k.check)?.evidence ?? []).filter((e) => e.start_s !== undefined && e.end_s !== undefined && !e.series),
    ran: report.checks.some((c) => c.id === k.check && c.status !== 'skipped'),
  })).filter((k) => k.ran);
  if (!found.some((k) => k.segments.length > 0)) return '';
  const rows = [...new Set(found.map((k) => k.row))];
  const pad = { l: 62, r: 10, t: 6 };
  const rowH = 30;
  const H = pad.t + rows.length * rowH + 26;
  const sx = (t: number) => pad.l + (Math.min(Math.max(t, 0), duration) / duration) * (W - pad.l - pad.r);
  const bars = rows
    .map((row, i) => {
      const y = pad.t + i * rowH;
      const segs = found
        .filter((k) => k.row === row)
        .flatMap((k) =>
          k.segments.map(
            (e) =>
              `<rect class="seg seg-${k.kind}${/too long/.test(e.label ?? '') ? ' too-long' : ''}" x="${sx(e.start_s!).toFixed(1)}" y="${y + 4}" width="${Math.max(2, sx(e.end_s!) - sx(e.start_s!)).toFixed(1)}" height="${rowH - 12}"><title>${escapeHtml(`${k.name} ${timecode(e.start_s!)}–${timecode(e.end_s!)}`)}</title></rect>`,
          ),
        )
        .join('');
      return `<text x="0" y="${y + rowH / 2}" dominant-baseline="middle">${row}</text><rect class="track" x="${pad.l}" y="${y + 4}" width="${W - pad.l - pad.r}" height="${rowH - 12}"/>${segs}`;
    })
    .join('');
  const axisY = pad.t + rows.length * rowH;
  const ticks = niceTicks(0, duration, 5)
    .map((t) => `<line class="axis" x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${axisY - 4}" y2="${axisY}"/><text x="${sx(t).toFixed(1)}" y="${axisY + 14}" text-anchor="middle">${escapeHtml(formatNumber(t, 1))}</text>`)
    .join('');
  const svg = `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Timeline of black, frozen and silent stretches" font-size="${FONT}">${bars}<line class="axis" x1="${pad.l}" x2="${W - pad.r}" y1="${axisY}" y2="${axisY}"/>${ticks}</svg>`;
  const legend = found
    .map((k) => `<li><span class="sw seg-${k.kind}"></span>${k.name}: ${k.segments.length === 0 ? 'none' : escapeHtml(k.segments.map((e) => `${timecode(e.start_s!)}–${timecode(e.end_s!)}`).join(', '))}</li>`)
    .join('');
  return `<figure class="picture">${svg}<figcaption><ul class="legend">${legend}<li><span class="sw too-long-sw"></span>Red outline: longer than allowed · seconds along the bottom</li></ul></figcaption></figure>`;
}

const PAGE_COLOURS = ['#cf222e', '#0969da', '#9a6700', '#8250df', '#1a7f37', '#bc4c00'];

/**
 * The PDF's pages that have findings, each drawn from its render (page 1 from the thumbnail,
 * later ones from `asset.page_images`; an outline when there is none) with the findings'
 * regions boxed in their check's colour; findings about the whole page (bleed, fonts) are
 * numbered under it. A numbered legend names the checks.
 */
export function pdfPages(report: QcReport): string {
  const problems = report.checks.filter((c) => (c.status === 'fail' || c.status === 'warn' || c.status === 'error') && c.evidence?.some((e) => e.page !== undefined));
  if (problems.length === 0) return '';
  const size = /^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)mm$/.exec(String(report.asset.info['page_size_mm'] ?? '')) ?? [];
  const pw = Number(size[1] ?? 210);
  const ph = Number(size[2] ?? 297);
  const vbW = 210;
  const vbH = (vbW * ph) / pw;
  const byPage = new Map<number, Array<{ n: number; box?: { x: number; y: number; w: number; h: number } }>>();
  problems.forEach((c, i) => {
    for (const e of c.evidence ?? []) {
      if (e.page === undefined) continue;
      const list = byPage.get(e.page) ?? [];
      list.push({ n: i, ...(e.box ? { box: e.box } : {}) });
      byPage.set(e.page, list);
    }
  });
  const pages = [...byPage.keys()].sort((a, b) => a - b);
  const renders = new Map<number, string>();
  for (const p of report.asset.page_images ?? []) {
    const uri = safeImageUri(p.image);
    if (uri) renders.set(p.page, uri);
  }
  const thumb = safeImageUri(report.asset.thumbnail);
  if (thumb) renders.set(1, thumb);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const tiles = pages.slice(0, PAGES_DRAWN).map((page) => {
    const marks = byPage.get(page)!;
    const boxes = marks
      .filter((m) => m.box)
      .slice(0, 40)
      .map(({ n, box }) => {
        // Checks often mark the same region (an RGB image that is also low-res): each check's
        // outline is inset a little more and its number sits further right, so all stay visible.
        const inset = (n % PAGE_COLOURS.length) * 2.5;
        const colour = PAGE_COLOURS[n % PAGE_COLOURS.length];
        const x = clamp(box!.x) * vbW + inset;
        const y = clamp(box!.y) * vbH + inset;
        const w = Math.max(3, clamp(box!.w) * vbW - 2 * inset);
        const h = Math.max(3, clamp(box!.h) * vbH - 2 * inset);
        const cx = Math.min(vbW - 15, x + 13 + (n % PAGE_COLOURS.length) * 30);
        return `<rect class="mark" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" stroke="${colour}"/><circle cx="${cx.toFixed(1)}" cy="${(y + 13).toFixed(1)}" r="14" fill="${colour}"/><text x="${cx.toFixed(1)}" y="${(y + 14).toFixed(1)}" class="num" text-anchor="middle" dominant-baseline="middle">${n + 1}</text>`;
      })
      .join('');
    const nums = [...new Set(marks.map((m) => m.n))].sort((a, b) => a - b);
    const render = renders.get(page);
    const background = render ? `<image href="${render}" x="0" y="0" width="${vbW}" height="${vbH.toFixed(1)}" preserveAspectRatio="none"/>` : '';
    return `<figure class="page-tile"><svg viewBox="0 0 ${vbW} ${vbH.toFixed(1)}" role="img" aria-label="Page ${page} with its findings marked" font-size="24"><rect class="paper" x="0" y="0" width="${vbW}" height="${vbH.toFixed(1)}"/>${background}${boxes}</svg><figcaption>Page ${page} ${nums.map((n) => `<span class="badge" style="background:${PAGE_COLOURS[n % PAGE_COLOURS.length]}">${n + 1}</span>`).join('')}</figcaption></figure>`;
  });
  // Said only when it is so: with every page drawn from its picture the note is noise.
  const outlined = pages.slice(0, PAGES_DRAWN).some((p) => !renders.has(p));
  const rest = pages.slice(PAGES_DRAWN);
  const more = rest.length > 0 ? `<p class="muted">+${rest.length} more ${rest.length === 1 ? 'page' : 'pages'} with findings (${escapeHtml(pageRanges(rest))}).</p>` : '';
  const legend = problems
    .map((c, i) => `<li><span class="badge" style="background:${PAGE_COLOURS[i % PAGE_COLOURS.length]}">${i + 1}</span>${escapeHtml(c.name)} — ${escapeHtml(pageRanges((c.evidence ?? []).flatMap((e) => (e.page !== undefined ? [e.page] : []))).replace(/^/, 'pages '))}</li>`)
    .join('');
  return `<figure class="picture pages"><div class="page-grid">${tiles.join('')}</div>${more}<figcaption><ul class="legend">${legend}</ul><p class="muted">Boxes mark where on the page; a number without a box means the whole page.${outlined ? ' Pages without a picture are drawn as outlines.' : ''}</p></figcaption></figure>`;
}
