import { z } from 'zod';
import { pdfProbe, type PdfImage } from '../../analysis/pdf/index.js';
import { NotApplicableError } from '../../qc/errors.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { capEvidence, coverage, mm, pagesWord } from './evidence.js';

export const pdfImageResolution = defineCheck({
  id: 'pdf.image_resolution',
  name: 'Image resolution (effective ppi)',
  description:
    'Every placed image has at least `min_ppi` pixels per inch at the size it is placed on the page (the lower of its two axes). Stencil masks and 1-bit images are judged against `min_ppi_1bit` when given, else ignored; images of at most `ignore_below_px` pixels on both sides (flat fills, gradients) are ignored.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    min_ppi: z.number().positive().meta({ description: 'e.g. 300 for print, 150 for large format' }),
    min_ppi_1bit: z.number().positive().optional().meta({ description: 'e.g. 1200 for 1-bit line art' }),
    ignore_below_px: z.number().int().min(0).default(16).meta({ description: 'Images this small on both sides are not judged' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    if (!details.content_read) {
      throw new NotApplicableError('the PDF is encrypted, so where its images are placed cannot be read: send an unprotected PDF to have image resolution checked');
    }
    const judged = details.images.filter((i) => !(i.width <= params.ignore_below_px && i.height <= params.ignore_below_px));
    const limitOf = (i: PdfImage) => (i.mask || i.bpc === 1 ? params.min_ppi_1bit : params.min_ppi);
    const low = judged.filter((i) => {
      const limit = limitOf(i);
      return limit !== undefined && i.ppi + 0.5 < limit;
    });
    const considered = judged.filter((i) => limitOf(i) !== undefined);
    const lowest = considered.length > 0 ? Math.min(...considered.map((i) => i.ppi)) : undefined;
    const measured = { images: considered.length, below_minimum: low.length, ...(lowest !== undefined ? { lowest_ppi: Math.round(lowest) } : {}), pages_examined: details.detail_pages };
    const expected = { min_ppi: params.min_ppi, ...(params.min_ppi_1bit ? { min_ppi_1bit: params.min_ppi_1bit } : {}) };
    const scope = coverage(details);
    if (low.length === 0) {
      const msg = considered.length === 0 ? `no placed images to judge${scope}` : `all ${considered.length} placed images are ${Math.round(lowest!)} ppi or more${scope} (minimum ${params.min_ppi} ppi)`;
      return { status: 'pass', message: msg, measured, expected };
    }
    const evidence: Evidence[] = low.map((i) => ({
      page: i.page,
      label: `${i.width}×${i.height} px placed at ${mm(i.placed_w_pt)}×${mm(i.placed_h_pt)} mm = ${Math.round(i.ppi)} ppi`,
      ...(i.box ? { box: i.box } : {}),
      detail: {
        object: i.object,
        width_px: i.width,
        height_px: i.height,
        placed_mm: { w: mm(i.placed_w_pt), h: mm(i.placed_h_pt) },
        ppi_x: Math.round(i.ppi_x),
        ppi_y: Math.round(i.ppi_y),
        ...(i.color ? { colour_space: i.color.family } : {}),
      },
    }));
    const worst = low.reduce((a, b) => (b.ppi < a.ppi ? b : a));
    return {
      status: 'fail',
      message:
        `${low.length} image${low.length === 1 ? '' : 's'} below ${params.min_ppi} ppi on ${pagesWord(low.map((i) => i.page))}${scope}; ` +
        `the lowest is ${worst.width}×${worst.height} px at ${Math.round(worst.ppi)} ppi on page ${worst.page} — place it smaller or replace it with a higher-resolution original`,
      measured,
      expected,
      evidence: capEvidence(evidence),
    };
  },
});
