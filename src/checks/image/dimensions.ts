import { z } from 'zod';
import { dimensionsSchema } from '../../config/units.js';
import { imageProbe } from '../../analysis/image.js';
import { defineCheck, list } from '../define.js';

export const imageDimensions = defineCheck({
  id: 'image.dimensions',
  name: 'Image dimensions',
  description: 'Pixel size (as displayed, EXIF orientation applied) is one of `allowed`, and/or within min/max width and height.',
  appliesTo: ['image'],
  params: z
    .strictObject({
      allowed: z.array(dimensionsSchema).min(1).optional().meta({ description: 'Exact sizes, e.g. ["1080x1080", "1080x1350"]' }),
      min_width: z.number().int().positive().optional(),
      min_height: z.number().int().positive().optional(),
      max_width: z.number().int().positive().optional(),
      max_height: z.number().int().positive().optional(),
    })
    .refine((p) => Object.values(p).some((v) => v !== undefined), 'give allowed sizes or a min/max width/height'),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const { width, height } = details;
    const size = `${width}x${height}`;
    const measured = { width, height };
    const expected = {
      ...(params.allowed ? { allowed: params.allowed.map((d) => d.label) } : {}),
      ...(params.min_width ? { min_width: params.min_width } : {}),
      ...(params.min_height ? { min_height: params.min_height } : {}),
      ...(params.max_width ? { max_width: params.max_width } : {}),
      ...(params.max_height ? { max_height: params.max_height } : {}),
    };
    const problems: string[] = [];
    if (params.allowed && !params.allowed.some((d) => d.width === width && d.height === height)) {
      problems.push(`${size} is not an allowed size (${list(params.allowed.map((d) => d.label))})`);
    }
    if (params.min_width && width < params.min_width) problems.push(`width ${width} px is under the ${params.min_width} px minimum`);
    if (params.min_height && height < params.min_height) problems.push(`height ${height} px is under the ${params.min_height} px minimum`);
    if (params.max_width && width > params.max_width) problems.push(`width ${width} px is over the ${params.max_width} px maximum`);
    if (params.max_height && height > params.max_height) problems.push(`height ${height} px is over the ${params.max_height} px maximum`);
    return problems.length > 0
      ? { status: 'fail', message: `${problems.join('; ')}: resize or re-export the artwork`, measured, expected }
      : { status: 'pass', message: `${size} meets the size rules`, measured, expected };
  },
});
