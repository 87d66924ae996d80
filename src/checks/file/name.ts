import { z } from 'zod';
import { defineCheck } from '../define.js';

export const fileName = defineCheck({
  id: 'file.name',
  name: 'File name',
  description: 'The file name matches the naming convention (a regular expression).',
  appliesTo: ['image', 'pdf', 'video', 'audio'],
  params: () => z.strictObject({
    pattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p, 'u');
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .meta({ description: 'A JavaScript regular expression the whole name must match, e.g. "^[A-Z]{3}_\\\\d{4}_.+\\\\.(jpg|png)$"' }),
    description: z.string().optional().meta({ description: 'The convention in words, shown to people when the name does not match' }),
  }),
  async run({ asset, params }) {
    const re = new RegExp(params.pattern, 'u');
    const ok = re.test(asset.name);
    const expected = { pattern: params.pattern, ...(params.description ? { convention: params.description } : {}) };
    return ok
      ? { status: 'pass', message: `"${asset.name}" follows the naming convention`, measured: { name: asset.name }, expected }
      : { status: 'fail', message: `"${asset.name}" does not follow the naming convention${params.description ? ` (${params.description})` : ` /${params.pattern}/`}: rename the file`, measured: { name: asset.name }, expected };
  },
});
