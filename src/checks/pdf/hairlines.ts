import { z } from 'zod';
import { boxOnPage, pdfProbe, RECORD_STROKES_BELOW_PT } from '../../analysis/pdf/index.js';
import { NotApplicableError } from '../../qc/errors.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { capEvidence, coverage, pagesWord } from './evidence.js';

const widthWords = (pt: number) => (pt === 0 ? '0 pt (a "hairline": the thinnest line the output device can draw, next to invisible on a platesetter)' : `${pt} pt`);

export const pdfHairlines = defineCheck({
  id: 'pdf.hairlines',
  name: 'Hairlines',
  description:
    'No stroked line is thinner than `min_width_pt` as printed: the line width times the scale of the current transformation matrix (the smaller axis), in form XObjects and printable annotations too. A width of 0 is the device\'s thinnest line, always a hairline. Text outlines are not judged.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    min_width_pt: z
      .number()
      .positive()
      .max(RECORD_STROKES_BELOW_PT)
      .default(0.25)
      .meta({ description: 'Thinnest line that prints reliably, in pt (0.25 pt ≈ 0.09 mm for offset; 0.5 pt for flexo or newsprint)' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    if (!details.content_read) throw new NotApplicableError('the PDF is encrypted, so its line widths cannot be read: send an unprotected PDF to have hairlines checked');
    const all = details.graphics.strokes;
    // Widths are rounded to 0.001 pt; a hair under the limit from rounding is not a finding.
    const thin = all.filter((s) => s.width_pt + 0.0005 < params.min_width_pt);
    const count = thin.reduce((n, s) => n + s.count, 0);
    const thinnest = thin.length > 0 ? Math.min(...thin.map((s) => s.width_pt)) : undefined;
    const measured = { strokes_below_minimum: count, ...(thinnest !== undefined ? { thinnest_pt: thinnest } : {}), pages_examined: details.detail_pages };
    const expected = { min_width_pt: params.min_width_pt };
    const scope = coverage(details);
    if (thin.length === 0) return { status: 'pass', message: `no stroke thinner than ${params.min_width_pt} pt${scope}`, measured, expected };
    const evidence: Evidence[] = thin
      .sort((a, b) => a.page - b.page || a.width_pt - b.width_pt)
      .map((s) => {
        const box = boxOnPage(s.bounds, details.pages[s.page - 1]);
        return {
          page: s.page,
          label: `${s.count} stroke${s.count === 1 ? '' : 's'} of ${s.width_pt} pt`,
          ...(box ? { box } : {}),
          detail: { width_pt: s.width_pt, strokes: s.count },
        };
      });
    const worst = thin.find((s) => s.width_pt === thinnest)!;
    return {
      status: 'fail',
      message:
        `${count} stroke${count === 1 ? '' : 's'} thinner than ${params.min_width_pt} pt on ${pagesWord(thin.map((s) => s.page))}${scope}; the thinnest is ${widthWords(thinnest!)} on page ${worst.page} — ` +
        `set lines to at least ${params.min_width_pt} pt in the artwork (a scaled-down logo or graphic thins its lines too)`,
      measured,
      expected,
      evidence: capEvidence(evidence),
    };
  },
});
