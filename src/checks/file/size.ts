import { z } from 'zod';
import { formatSize, sizeSchema } from '../../config/units.js';
import { defineCheck } from '../define.js';

export const fileSize = defineCheck({
  id: 'file.size',
  name: 'File size',
  description: 'The file is no larger than `max` and no smaller than `min` (e.g. "30 MB").',
  appliesTo: ['image', 'pdf', 'video', 'audio'],
  params: () => z
    .strictObject({ max: sizeSchema.optional(), min: sizeSchema.optional() })
    .refine((p) => p.max !== undefined || p.min !== undefined, 'give max, min or both'),
  async run({ asset, params }) {
    const size = asset.size_bytes;
    const measured = { size_bytes: size, size: formatSize(size) };
    const expected = { ...(params.max !== undefined ? { max_bytes: params.max, max: formatSize(params.max) } : {}), ...(params.min !== undefined ? { min_bytes: params.min, min: formatSize(params.min) } : {}) };
    if (params.max !== undefined && size > params.max) {
      return { status: 'fail', message: `${formatSize(size)} is over the ${formatSize(params.max)} limit: compress or re-export it smaller`, measured, expected };
    }
    if (params.min !== undefined && size < params.min) {
      return { status: 'fail', message: `${formatSize(size)} is under the ${formatSize(params.min)} minimum: it may be over-compressed or a placeholder`, measured, expected };
    }
    return { status: 'pass', message: `${formatSize(size)} is within limits`, measured, expected };
  },
});
