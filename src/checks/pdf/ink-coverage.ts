import { z } from 'zod';
import { pdfInk, pdfProbe, type InkPage } from '../../analysis/pdf/index.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { capEvidence, coverage, pagesWord } from './evidence.js';

/** What the report's heat-map reads (src/report/figures/pdf-ink.ts): TAC / 2 per cell, base64. */
export interface InkHeatmap {
  cols: number;
  rows: number;
  /** Each cell is `cell_px` square on a `width_px` × `height_px` render (the last row and column may overhang). */
  cell_px: number;
  width_px: number;
  height_px: number;
  values_b64: string;
  limit_percent: number;
}

/** The cells over the limit, as a box in page fractions (origin top-left), and their share of the page. */
function overLimit(p: InkPage, limit: number): { box?: Evidence['box']; share: number } {
  const { cols, rows, cell_px, values } = p.grid;
  let n = 0;
  let c0 = cols;
  let r0 = rows;
  let c1 = -1;
  let r1 = -1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (values[r * cols + c]! * 2 <= limit) continue;
      n++;
      c0 = Math.min(c0, c);
      c1 = Math.max(c1, c);
      r0 = Math.min(r0, r);
      r1 = Math.max(r1, r);
    }
  }
  if (n === 0) return { share: 0 };
  const r4 = (v: number) => Math.round(Math.min(1, v) * 10000) / 10000;
  const x = (c0 * cell_px) / p.width_px;
  const y = (r0 * cell_px) / p.height_px;
  return {
    box: { x: r4(x), y: r4(y), w: r4(((c1 + 1) * cell_px) / p.width_px - x), h: r4(((r1 + 1) * cell_px) / p.height_px - y) },
    share: Math.round((n / (cols * rows)) * 1000) / 10,
  };
}

export const pdfInkCoverage = defineCheck({
  id: 'pdf.ink_coverage',
  name: 'Ink coverage (TAC)',
  description:
    'No area of any page carries more than `max_percent` total ink (C+M+Y+K; 400 % = four solid inks), measured on a Ghostscript CMYK render (overprint, transparency and RGB→CMYK conversion applied) averaged over 1 mm squares. Typical limits: 300–320 % coated, 260–280 % uncoated, 240 % newsprint. Needs Ghostscript (skipped without it).',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    max_percent: z.number().min(100).max(400).default(300).meta({ description: 'Highest total area coverage allowed, e.g. 300 (coated), 260 (uncoated), 240 (newsprint)' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const ink = await analyses.get(pdfInk);
    const limit = params.max_percent;
    const worst = ink.pages.reduce<InkPage | undefined>((a, b) => (a === undefined || b.max_tac > a.max_tac ? b : a), undefined);
    // 0.5 % of slack: the render is 8 bits per ink.
    const over = ink.pages.filter((p) => p.max_tac > limit + 0.5);
    const measured = {
      max_tac_percent: worst?.max_tac ?? 0,
      ...(worst ? { worst_page: worst.page } : {}),
      pages_over_limit: over.length,
      render_dpi: ink.dpi,
      pages_examined: ink.pages_examined,
    };
    const expected = { max_percent: limit };
    const scope = coverage(details);
    if (!worst) return { status: 'pass', message: `no page could be rendered to measure ink${scope}`, measured, expected };
    if (over.length === 0) {
      return { status: 'pass', message: `at most ${worst.max_tac} % total ink (page ${worst.page})${scope}, within ${limit} %`, measured, expected };
    }
    const evidence: Evidence[] = over.map((p) => {
      const { box, share } = overLimit(p, limit);
      const rotated = (details.pages[p.page - 1]?.rotate ?? 0) !== 0;
      const heatmap: InkHeatmap | undefined =
        p === worst
          ? { cols: p.grid.cols, rows: p.grid.rows, cell_px: p.grid.cell_px, width_px: p.width_px, height_px: p.height_px, values_b64: Buffer.from(p.grid.values).toString('base64'), limit_percent: limit }
          : undefined;
      return {
        page: p.page,
        label: `${p.max_tac} % total ink (limit ${limit} %), ${share} % of the page over the limit`,
        ...(box && !rotated ? { box } : {}),
        detail: {
          max_tac_percent: p.max_tac,
          over_limit_share_percent: share,
          peak: p.peak,
          average_percent: { c: pct(p.average.c), m: pct(p.average.m), y: pct(p.average.y), k: pct(p.average.k) },
          ...(heatmap ? { heatmap } : {}),
        },
      };
    });
    return {
      status: 'fail',
      message:
        `${worst.max_tac} % total ink on page ${worst.page}${over.length > 1 ? ` (over ${limit} % on ${pagesWord(over.map((p) => p.page))})` : ''}${scope}, above the ${limit} % limit — ` +
        `ink this heavy smears and dries slowly: convert with the printer's CMYK profile (it caps total ink) or reduce C, M and Y under rich blacks and dark images`,
      measured,
      expected,
      evidence: capEvidence(evidence),
    };
  },
});

function pct(v: number): number {
  return Math.round(v * 1000) / 10;
}
