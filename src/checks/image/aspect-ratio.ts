import { z } from 'zod';
import { ratioSchema } from '../../config/units.js';
import { imageProbe } from '../../analysis/image.js';
import { defineCheck, list } from '../define.js';

/** The simplest W:H for a size, for messages ("1080x1350" → "4:5"). */
export function ratioLabel(width: number, height: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(width, height) || 1;
  const w = width / g;
  const h = height / g;
  return w <= 100 && h <= 100 ? `${w}:${h}` : (width / height).toFixed(3);
}

export const imageAspectRatio = defineCheck({
  id: 'image.aspect_ratio',
  name: 'Aspect ratio',
  description: 'Width ÷ height is one of `allowed` (e.g. "4:5"), within a relative `tolerance` (default 1%).',
  appliesTo: ['image'],
  params: z.strictObject({
    allowed: z.array(ratioSchema).min(1).meta({ description: 'e.g. ["1:1", "4:5", "9:16"]' }),
    tolerance: z.number().min(0).max(0.5).default(0.01).meta({ description: 'Relative tolerance, 0.01 = 1%' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const ratio = details.width / details.height;
    const label = ratioLabel(details.width, details.height);
    const measured = { ratio: Number(ratio.toFixed(4)), label };
    const expected = { allowed: params.allowed.map((r) => r.label), tolerance: params.tolerance };
    const match = params.allowed.find((r) => Math.abs(ratio - r.ratio) / r.ratio <= params.tolerance);
    return match
      ? { status: 'pass', message: `${label} matches ${match.label}`, measured, expected }
      : { status: 'fail', message: `${label} (${ratio.toFixed(3)}) is not one of ${list(params.allowed.map((r) => r.label))}: crop or re-export to an allowed shape`, measured, expected };
  },
});
