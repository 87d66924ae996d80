import { z } from 'zod';
import { imageProbe } from '../../analysis/image.js';
import { defineCheck } from '../define.js';

export const imageTransparency = defineCheck({
  id: 'image.transparency',
  name: 'Transparency',
  description: 'Whether transparent pixels are allowed. Judged on the pixels: an alpha channel that is fully opaque is not transparency.',
  appliesTo: ['image'],
  params: () => z.strictObject({ allowed: z.boolean().meta({ description: 'false for platforms that flatten onto black or white' }) }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const measured = { has_alpha_channel: details.has_alpha, has_transparent_pixels: details.has_transparent_pixels };
    const expected = { transparency_allowed: params.allowed };
    if (details.has_transparent_pixels && !params.allowed) {
      return { status: 'fail', message: 'the image has transparent pixels, which are not allowed here: flatten it onto the intended background colour', measured, expected };
    }
    const note = details.has_alpha && !details.has_transparent_pixels ? ' (it has an alpha channel, but every pixel is opaque)' : '';
    return { status: 'pass', message: `${details.has_transparent_pixels ? 'transparent pixels are allowed' : 'no transparent pixels'}${note}`, measured, expected };
  },
});
