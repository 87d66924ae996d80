import { z } from 'zod';
import { imageProbe, type ImageColorspace } from '../../analysis/image.js';
import { defineCheck, list } from '../define.js';

const COLORSPACES = ['srgb', 'adobergb', 'p3', 'prophoto', 'cmyk', 'gray', 'lab', 'other'] as const;
const ALIASES: Record<string, ImageColorspace> = { rgb: 'srgb', grey: 'gray', grayscale: 'gray', 'adobe-rgb': 'adobergb', 'display-p3': 'p3' };

const FIX: Partial<Record<ImageColorspace, string>> = {
  cmyk: 'convert to sRGB for screens (CMYK shows wrong colours or fails on web platforms)',
  adobergb: 'convert to sRGB (Adobe RGB looks dull on most screens and platforms strip the profile)',
  p3: 'convert to sRGB unless the platform supports Display P3',
  prophoto: 'convert to sRGB',
  srgb: 'convert to the colour space the print or delivery spec asks for',
};

export const imageColorspace = defineCheck({
  id: 'image.colorspace',
  name: 'Colour space',
  description: 'The image is in an allowed colour space (srgb, adobergb, p3, prophoto, cmyk, gray, lab), judged from the pixel format and the embedded ICC profile.',
  appliesTo: ['image'],
  params: () => z.strictObject({
    allowed: z
      .array(z.string().transform((s) => ALIASES[s.toLowerCase()] ?? s.toLowerCase()).pipe(z.enum(COLORSPACES)))
      .min(1)
      .meta({ description: 'e.g. ["srgb"] or ["cmyk", "gray"]' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const measured = { colorspace: details.colorspace, ...(details.icc?.description ? { icc_profile: details.icc.description } : {}) };
    const expected = { allowed: params.allowed };
    const shown = `${details.colorspace.toUpperCase()}${details.icc?.description ? ` (${details.icc.description})` : ''}`;
    return params.allowed.includes(details.colorspace)
      ? { status: 'pass', message: `${shown} is allowed`, measured, expected }
      : { status: 'fail', message: `${shown} is not allowed (allowed: ${list(params.allowed)}): ${FIX[details.colorspace] ?? `convert to ${params.allowed[0]}`}`, measured, expected };
  },
});
