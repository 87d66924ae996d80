/**
 * Total area coverage (TAC): how much ink each point of each page carries, C+M+Y+K in percent
 * (400 % = all four inks solid), from one Ghostscript CMYK render per document at low
 * resolution (./ghostscript.ts). Overprint, transparency, spot colours (by their alternates)
 * and RGB→CMYK conversion are applied by the renderer, as a RIP would.
 *
 * Per page: the highest TAC averaged over a small square (`WINDOW_MM`, so one anti-aliased
 * pixel is not a finding — preflight tools judge an area, not a dot), where it is, the
 * average of each ink (what Ghostscript's `inkcov` device prints, our cross-check) and a
 * coarse grid of the window maxima for the report's heat-map and the area over a limit.
 */
import type { Analysis } from '../../qc/types.js';
import { renderCmyk, type CmykRaster } from './ghostscript.js';
import { pdfProbe } from './probe.js';
import { pdfSettings } from './settings.js';

/** Side of the square TAC is averaged over (≈ 1 mm²). */
export const WINDOW_MM = 1;
/** Cells along a page's longer side in the coverage grid. */
export const GRID_CELLS = 96;
/** No page is rendered with more pixels than this (a 3 m banner gets a lower resolution). */
const MAX_RENDER_PIXELS = 6_000_000;

export interface InkPage {
  page: number;
  /** Rendered size in pixels (the CropBox as displayed, rotation applied). */
  width_px: number;
  height_px: number;
  /** Highest TAC over a `window_mm` square, in percent. */
  max_tac: number;
  /** Where that square is, in fractions of the rendered page, origin top-left. */
  peak: { x: number; y: number; w: number; h: number };
  /** Mean coverage of each ink over the page, 0..1 (as Ghostscript's inkcov reports it). */
  average: { c: number; m: number; y: number; k: number };
  /** Highest window TAC per cell, in percent / 2 (0..200), row-major, `cols` × `rows`. */
  grid: { cols: number; rows: number; cell_px: number; values: Uint8Array };
}

export interface InkCoverage {
  dpi: number;
  window_mm: number;
  pages: InkPage[];
  /** Pages rendered (the first `max_detail_pages`). */
  pages_examined: number;
}

export const pdfInk: Analysis<InkCoverage> = {
  id: 'pdf.ink',
  async compute(ctx) {
    const settings = pdfSettings(ctx.env);
    const { details } = await ctx.get(pdfProbe); // never render what the probe refused
    const last = Math.min(details.page_count, details.detail_pages);
    // The largest rendered page stays under MAX_RENDER_PIXELS.
    const largestIn2 = Math.max(...details.pages.slice(0, last).map((p) => ((p.crop.x1 - p.crop.x0) * (p.crop.y1 - p.crop.y0) * p.user_unit ** 2) / 72 ** 2));
    const dpi = Math.max(9, Math.min(settings.ink_dpi, Math.floor(Math.sqrt(Math.min(MAX_RENDER_PIXELS, ctx.env.maxPixels) / Math.max(largestIn2, 1e-6)))));
    const pages: InkPage[] = [];
    await renderCmyk(ctx.asset.path, { program: settings.ghostscript_path, dpi, lastPage: last, signal: ctx.signal, timeoutMs: ctx.env.checkTimeoutMs }, (r) => pages.push(coverageOf(r, dpi)));
    return { dpi, window_mm: WINDOW_MM, pages, pages_examined: pages.length };
  },
};

/** One page's coverage from its CMYK raster. Exported for tests. */
export function coverageOf(r: CmykRaster, dpi: number): InkPage {
  const { width: w, height: h, data } = r;
  const k = Math.max(1, Math.min(w, h, Math.round((WINDOW_MM / 25.4) * dpi)));
  // Integral image of per-pixel TAC (0..1020 in 8-bit units), and the ink sums.
  const stride = w + 1;
  const integral = new Float64Array(stride * (h + 1));
  const sums = [0, 0, 0, 0];
  for (let y = 0; y < h; y++) {
    let row = 0;
    const base = y * w * 4;
    for (let x = 0; x < w; x++) {
      const i = base + x * 4;
      const c = data[i]!;
      const m = data[i + 1]!;
      const ye = data[i + 2]!;
      const kk = data[i + 3]!;
      sums[0]! += c;
      sums[1]! += m;
      sums[2]! += ye;
      sums[3]! += kk;
      row += c + m + ye + kk;
      integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1]! + row;
    }
  }
  const longer = Math.max(w, h);
  const cellPx = Math.max(1, Math.ceil(longer / GRID_CELLS));
  const cols = Math.ceil(w / cellPx);
  const rows = Math.ceil(h / cellPx);
  const grid = new Uint8Array(cols * rows);
  const area = k * k;
  const toPercent = 100 / 255 / area;
  let best = -1;
  let bx = 0;
  let by = 0;
  for (let y = 0; y + k <= h; y++) {
    const top = y * stride;
    const bottom = (y + k) * stride;
    const cellRow = Math.min(rows - 1, Math.floor((y + k / 2) / cellPx)) * cols;
    for (let x = 0; x + k <= w; x++) {
      const sum = integral[bottom + x + k]! - integral[top + x + k]! - integral[bottom + x]! + integral[top + x]!;
      if (sum > best) {
        best = sum;
        bx = x;
        by = y;
      }
      const cell = cellRow + Math.min(cols - 1, Math.floor((x + k / 2) / cellPx));
      const v = Math.min(200, Math.round((sum * toPercent) / 2));
      if (v > grid[cell]!) grid[cell] = v;
    }
  }
  const pixels = w * h * 255;
  const r4 = (v: number) => Math.round(v * 10000) / 10000;
  return {
    page: r.page,
    width_px: w,
    height_px: h,
    max_tac: Math.round(Math.max(0, best) * toPercent * 10) / 10,
    peak: { x: r4(bx / w), y: r4(by / h), w: r4(k / w), h: r4(k / h) },
    average: { c: r4(sums[0]! / pixels), m: r4(sums[1]! / pixels), y: r4(sums[2]! / pixels), k: r4(sums[3]! / pixels) },
    grid: { cols, rows, cell_px: cellPx, values: grid },
  };
}
