import { z } from 'zod';
import { pdfProbe, type PdfPageBoxes } from '../../analysis/pdf/index.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { capEvidence, mm, pagesWord } from './evidence.js';

export interface PageBleed {
  page: number;
  has_bleed_box: boolean;
  /** Bleed per side in mm (BleedBox beyond TrimBox); all 0 without a BleedBox. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  min: number;
  /** How far the MediaBox reaches past the trim: a hint when the BleedBox is missing. */
  media_margin_mm: number;
}

/** ISO 32000-1 §14.11.2: bleed is how far the BleedBox reaches past the TrimBox. */
export function bleedOf(p: PdfPageBoxes): PageBleed {
  const trim = p.trim ?? p.crop;
  const u = p.user_unit;
  const side = (outer: number, inner: number) => Math.max(0, mm((outer - inner) * u));
  const media = Math.min(side(trim.x0, p.media.x0), side(p.media.x1, trim.x1), side(trim.y0, p.media.y0), side(p.media.y1, trim.y1));
  if (!p.bleed) return { page: p.page, has_bleed_box: false, left: 0, right: 0, top: 0, bottom: 0, min: 0, media_margin_mm: media };
  const b = p.bleed;
  const left = side(trim.x0, b.x0);
  const right = side(b.x1, trim.x1);
  const bottom = side(trim.y0, b.y0);
  const top = side(b.y1, trim.y1);
  return { page: p.page, has_bleed_box: true, left, right, top, bottom, min: Math.min(left, right, top, bottom), media_margin_mm: media };
}

export const pdfBleed = defineCheck({
  id: 'pdf.bleed',
  name: 'Bleed',
  description: 'Every page\'s BleedBox reaches at least `min_mm` past its TrimBox on all four sides. A page without a BleedBox has 0 mm bleed.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({ min_mm: z.number().min(0).meta({ description: 'e.g. 3 (Europe) or 3.175 (1/8 in, US)' }) }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const pages = details.pages.map(bleedOf);
    // A hair of rounding (boxes in points, limits in mm) must not fail an exact 3 mm bleed.
    const short = pages.filter((b) => b.min + 0.05 < params.min_mm);
    const minBleed = Math.min(...pages.map((b) => b.min));
    const measured = { min_bleed_mm: minBleed, pages_without_bleed_box: pages.filter((b) => !b.has_bleed_box).length };
    const expected = { min_mm: params.min_mm };
    if (short.length === 0) return { status: 'pass', message: `${minBleed} mm bleed or more on every side of every page (minimum ${params.min_mm} mm)`, measured, expected };
    const missing = short.filter((b) => !b.has_bleed_box);
    const narrow = short.filter((b) => b.has_bleed_box);
    const parts: string[] = [];
    if (missing.length > 0) {
      const mediaMargin = Math.min(...missing.map((b) => b.media_margin_mm));
      parts.push(
        `no BleedBox on ${pagesWord(missing.map((b) => b.page))} (0 mm bleed)` +
          (mediaMargin >= params.min_mm ? ` although the page extends ${mediaMargin} mm past the trim: export with "use document bleed settings" so the BleedBox and TrimBox are written` : ''),
      );
    }
    if (narrow.length > 0) parts.push(`bleed of ${Math.min(...narrow.map((b) => b.min))} mm on ${pagesWord(narrow.map((b) => b.page))}`);
    const evidence: Evidence[] = short.map((b) => ({
      page: b.page,
      label: b.has_bleed_box ? `bleed ${b.min} mm (left ${b.left}, right ${b.right}, top ${b.top}, bottom ${b.bottom})` : 'no BleedBox: 0 mm bleed',
      detail: { left_mm: b.left, right_mm: b.right, top_mm: b.top, bottom_mm: b.bottom, has_bleed_box: b.has_bleed_box },
    }));
    return {
      status: 'fail',
      message: `${parts.join('; ')} — ${params.min_mm} mm is required: extend background artwork past the trim and export with ${params.min_mm} mm bleed`,
      measured,
      expected,
      evidence: capEvidence(evidence),
    };
  },
});
