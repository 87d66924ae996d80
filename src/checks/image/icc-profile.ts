import { z } from 'zod';
import { imageProbe } from '../../analysis/image.js';
import { defineCheck } from '../define.js';

export const imageIccProfile = defineCheck({
  id: 'image.icc_profile',
  name: 'ICC profile',
  description: 'An embedded ICC colour profile is present (`required: true`) or absent (`required: false`).',
  appliesTo: ['image'],
  params: () => z.strictObject({ required: z.boolean().default(true) }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const has = details.icc !== undefined;
    const measured = { embedded: has, ...(details.icc?.description ? { description: details.icc.description } : {}) };
    const expected = { required: params.required };
    if (params.required && !has) {
      return { status: 'fail', message: 'no ICC profile is embedded, so colours will be guessed: embed the profile on export (e.g. sRGB IEC61966-2.1)', measured, expected };
    }
    if (!params.required && has) {
      return { status: 'pass', message: `an ICC profile is embedded (${details.icc?.description ?? 'unnamed'}); none is required`, measured, expected };
    }
    return { status: 'pass', message: has ? `embedded ICC profile: ${details.icc?.description ?? 'unnamed'}` : 'no ICC profile, as required', measured, expected };
  },
});
