import { z } from 'zod';
import { pdfProbe } from '../../analysis/pdf/index.js';
import { defineCheck } from '../define.js';

export const pdfPageCount = defineCheck({
  id: 'pdf.page_count',
  name: 'Page count',
  description: 'The PDF has at least `min` and at most `max` pages (e.g. 2 for a double-sided flyer).',
  appliesTo: ['pdf'],
  params: () => z
    .strictObject({
      min: z.number().int().min(1).optional().meta({ description: 'Fewest pages allowed' }),
      max: z.number().int().min(1).optional().meta({ description: 'Most pages allowed' }),
    })
    .refine((p) => p.min !== undefined || p.max !== undefined, 'give min, max or both')
    .refine((p) => p.min === undefined || p.max === undefined || p.min <= p.max, 'min must not exceed max'),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const pages = details.page_count;
    const measured = { pages };
    const expected = { ...(params.min !== undefined ? { min: params.min } : {}), ...(params.max !== undefined ? { max: params.max } : {}) };
    const range = params.min !== undefined && params.max !== undefined ? (params.min === params.max ? `exactly ${params.min}` : `${params.min}–${params.max}`) : params.min !== undefined ? `at least ${params.min}` : `at most ${params.max}`;
    const plural = (n: number) => `${n} page${n === 1 ? '' : 's'}`;
    if (params.min !== undefined && pages < params.min) return { status: 'fail', message: `${plural(pages)}, expected ${range}: check that every page was exported`, measured, expected };
    if (params.max !== undefined && pages > params.max) return { status: 'fail', message: `${plural(pages)}, expected ${range}: remove extra pages or split the file`, measured, expected };
    return { status: 'pass', message: `${plural(pages)} (expected ${range})`, measured, expected };
  },
});
