import { z } from 'zod';
import { avProbe } from '../../analysis/av/index.js';
import { dimensionsSchema } from '../../config/units.js';
import { defineCheck, list } from '../define.js';

export const videoResolution = defineCheck({
  id: 'video.resolution',
  name: 'Video resolution',
  description: 'The picture size as displayed (rotation and pixel aspect applied) is one of `allowed`, and/or within min/max width and height.',
  appliesTo: ['video'],
  params: z
    .strictObject({
      allowed: z.array(dimensionsSchema).min(1).optional().meta({ description: 'Exact sizes, e.g. ["1920x1080", "1080x1920"]' }),
      min_width: z.number().int().positive().optional(),
      min_height: z.number().int().positive().optional(),
      max_width: z.number().int().positive().optional(),
      max_height: z.number().int().positive().optional(),
    })
    .refine((p) => Object.values(p).some((v) => v !== undefined), 'give allowed sizes or a min/max width/height'),
  async run({ params, analyses }) {
    const v = (await analyses.get(avProbe)).details.video!;
    const width = v.display_width;
    const height = v.display_height;
    const size = `${width}x${height}`;
    const measured = { width, height, ...(v.rotation ? { rotation: v.rotation, stored: `${v.width}x${v.height}` } : {}) };
    const expected = {
      ...(params.allowed ? { allowed: params.allowed.map((d) => d.label) } : {}),
      ...(params.min_width ? { min_width: params.min_width } : {}),
      ...(params.min_height ? { min_height: params.min_height } : {}),
      ...(params.max_width ? { max_width: params.max_width } : {}),
      ...(params.max_height ? { max_height: params.max_height } : {}),
    };
    const problems: string[] = [];
    if (params.allowed && !params.allowed.some((d) => d.width === width && d.height === height)) problems.push(`${size} is not an allowed size (${list(params.allowed.map((d) => d.label))})`);
    if (params.min_width && width < params.min_width) problems.push(`width ${width} px is under the ${params.min_width} px minimum`);
    if (params.min_height && height < params.min_height) problems.push(`height ${height} px is under the ${params.min_height} px minimum`);
    if (params.max_width && width > params.max_width) problems.push(`width ${width} px is over the ${params.max_width} px maximum`);
    if (params.max_height && height > params.max_height) problems.push(`height ${height} px is over the ${params.max_height} px maximum`);
    const turned = v.rotation ? ` (stored ${v.width}x${v.height}, shown turned ${v.rotation}°)` : '';
    return problems.length > 0
      ? { status: 'fail', message: `${problems.join('; ')}${turned}: re-export at an allowed size`, measured, expected }
      : { status: 'pass', message: `${size}${turned} meets the size rules`, measured, expected };
  },
});
