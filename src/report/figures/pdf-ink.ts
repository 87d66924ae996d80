/**
 * The ink-coverage heat-map: the worst page of `pdf.ink_coverage`, drawn from its render when
 * the report has one, with the total ink of each small area coloured against the limit — amber
 * close to it, red over it, dark red far over it. Inline SVG (no script, no fetch), cells of
 * one colour in a row merged into one rectangle so a page stays a few kilobytes.
 */
import { escapeHtml, safeImageUri } from '../escape.js';
import type { QcReport } from '../schema.js';
import { formatNumber, NBSP } from '../units.js';

interface Heatmap {
  cols: number;
  rows: number;
  cell_px: number;
  width_px: number;
  height_px: number;
  values_b64: string;
  limit_percent: number;
}

const BANDS = [
  { name: 'close to the limit', colour: '#d4a72c', opacity: 0.45 },
  { name: 'over the limit', colour: '#cf222e', opacity: 0.6 },
  { name: 'far over (50 % or more)', colour: '#82071e', opacity: 0.75 },
];

function heatmapOf(value: unknown): Heatmap | undefined {
  const h = value as Partial<Heatmap> | undefined;
  if (!h || typeof h !== 'object') return undefined;
  const { cols, rows, cell_px, width_px, height_px, values_b64, limit_percent } = h;
  const counts = [cols, rows, cell_px, width_px, height_px];
  if (!counts.every((n) => Number.isInteger(n) && n! > 0) || typeof values_b64 !== 'string' || typeof limit_percent !== 'number') return undefined;
  if (cols! * rows! > 40_000) return undefined;
  return { cols: cols!, rows: rows!, cell_px: cell_px!, width_px: width_px!, height_px: height_px!, values_b64, limit_percent };
}

/** Band of a cell (TAC = value × 2 %): -1 none, 0 within 40 % under the limit, 1 over, 2 far over. */
function band(tac: number, limit: number): number {
  if (tac > limit + 50) return 2;
  if (tac > limit) return 1;
  if (tac > limit - 40) return 0;
  return -1;
}

export function inkCoverageFigure(report: QcReport): string {
  const check = report.checks.find((c) => c.id === 'pdf.ink_coverage' && (c.status === 'fail' || c.status === 'warn'));
  const item = check?.evidence?.find((e) => heatmapOf(e.detail?.['heatmap']));
  const map = heatmapOf(item?.detail?.['heatmap']);
  if (!check || !item || !map) return '';
  const values = Buffer.from(map.values_b64, 'base64');
  if (values.length !== map.cols * map.rows) return '';
  const W = 210;
  const cell = (W * map.cell_px) / map.width_px;
  const H = (W * map.height_px) / map.width_px;
  const rects: string[] = [];
  for (let r = 0; r < map.rows; r++) {
    let c = 0;
    while (c < map.cols) {
      const b = band(values[r * map.cols + c]! * 2, map.limit_percent);
      let end = c + 1;
      while (end < map.cols && band(values[r * map.cols + end]! * 2, map.limit_percent) === b) end++;
      if (b >= 0) {
        const { colour, opacity } = BANDS[b]!;
        // The last row and column overhang the page: clipped to it.
        const x = c * cell;
        const y = r * cell;
        rects.push(
          `<rect x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${(Math.min(W, end * cell) - x).toFixed(2)}" height="${(Math.min(H, y + cell) - y).toFixed(2)}" fill="${colour}" fill-opacity="${opacity}"/>`,
        );
      }
      c = end;
    }
  }
  const page = item.page ?? 1;
  const render = safeImageUri(page === 1 ? report.asset.thumbnail : report.asset.page_images?.find((p) => p.page === page)?.image);
  const background = render ? `<image href="${render}" x="0" y="0" width="${W}" height="${H.toFixed(1)}" preserveAspectRatio="none" opacity="0.55"/>` : '';
  const max = typeof item.detail?.['max_tac_percent'] === 'number' ? item.detail['max_tac_percent'] : undefined;
  const svg = `<svg class="chart heatmap" viewBox="0 0 ${W} ${H.toFixed(1)}" role="img" aria-label="Total ink on page ${page}, areas near and over ${map.limit_percent} % coloured"><rect class="paper" x="0" y="0" width="${W}" height="${H.toFixed(1)}"/>${background}${rects.join('')}</svg>`;
  const legend = BANDS.map((b) => `<li><span class="sw" style="background:${b.colour};opacity:${b.opacity + 0.2}"></span>${escapeHtml(b.name)}</li>`).join('');
  const caption = `Page ${page}: total ink (C+M+Y+K) per 1${NBSP}mm area${max !== undefined ? `, highest ${formatNumber(max, 0)}${NBSP}%` : ''}, limit ${formatNumber(map.limit_percent, 0)}${NBSP}%`;
  return `<figure class="picture page-tile" style="max-width:260px">${svg}<figcaption>${escapeHtml(caption)}<ul class="legend">${legend}</ul></figcaption></figure>`;
}
