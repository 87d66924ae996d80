/**
 * Size and shape rules shared by images and video: the same params and the same judgement,
 * so `image.dimensions`/`video.resolution` and the two aspect-ratio checks cannot drift.
 */
import { z } from 'zod';
import { dimensionsSchema, ratioSchema } from '../config/units.js';
import { list } from './define.js';

export const sizeRulesParams = (example: string) =>
  z
    .strictObject({
      allowed: z.array(dimensionsSchema).min(1).optional().meta({ description: `Exact sizes, e.g. ${example}` }),
      min_width: z.number().int().positive().optional(),
      min_height: z.number().int().positive().optional(),
      max_width: z.number().int().positive().optional(),
      max_height: z.number().int().positive().optional(),
    })
    .refine((p) => Object.values(p).some((v) => v !== undefined), 'give allowed sizes or a min/max width/height');

export type SizeRules = z.output<ReturnType<typeof sizeRulesParams>>;

/** What broke the rules, in words (empty when the size is fine), and the rules as `expected`. */
export function judgeSize(width: number, height: number, rules: SizeRules): { problems: string[]; expected: Record<string, unknown> } {
  const expected = {
    ...(rules.allowed ? { allowed: rules.allowed.map((d) => d.label) } : {}),
    ...(rules.min_width ? { min_width: rules.min_width } : {}),
    ...(rules.min_height ? { min_height: rules.min_height } : {}),
    ...(rules.max_width ? { max_width: rules.max_width } : {}),
    ...(rules.max_height ? { max_height: rules.max_height } : {}),
  };
  const problems: string[] = [];
  if (rules.allowed && !rules.allowed.some((d) => d.width === width && d.height === height)) {
    problems.push(`${width}x${height} is not an allowed size (${list(rules.allowed.map((d) => d.label))})`);
  }
  if (rules.min_width && width < rules.min_width) problems.push(`width ${width} px is under the ${rules.min_width} px minimum`);
  if (rules.min_height && height < rules.min_height) problems.push(`height ${height} px is under the ${rules.min_height} px minimum`);
  if (rules.max_width && width > rules.max_width) problems.push(`width ${width} px is over the ${rules.max_width} px maximum`);
  if (rules.max_height && height > rules.max_height) problems.push(`height ${height} px is over the ${rules.max_height} px maximum`);
  return { problems, expected };
}

export const ratioRulesParams = (example: string) =>
  z.strictObject({
    allowed: z.array(ratioSchema).min(1).meta({ description: `e.g. ${example}` }),
    tolerance: z.number().min(0).max(0.5).default(0.01).meta({ description: 'Relative tolerance, 0.01 = 1%' }),
  });

export type RatioRules = z.output<ReturnType<typeof ratioRulesParams>>;

/** The simplest W:H for a size, for messages ("1080x1350" → "4:5"). */
export function ratioLabel(width: number, height: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(width, height) || 1;
  const w = width / g;
  const h = height / g;
  return w <= 100 && h <= 100 ? `${w}:${h}` : (width / height).toFixed(3);
}

/** The allowed ratio this one matches within tolerance, if any. */
export function matchRatio(ratio: number, rules: RatioRules): { label: string } | undefined {
  return rules.allowed.find((r) => Math.abs(ratio - r.ratio) / r.ratio <= rules.tolerance);
}
