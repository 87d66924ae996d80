import { z } from 'zod';
import { avProbe } from '../../analysis/av/index.js';
import { defineCheck, list } from '../define.js';

/** "29.97" for 30000/1001, "25" for 25. */
const fps = (n: number) => String(Number(n.toFixed(3)));

export const videoFrameRate = defineCheck({
  id: 'video.frame_rate',
  name: 'Frame rate',
  description: 'The average frame rate is one of `allowed` (fps) within `tolerance` (fps, default 0.01); variable frame rate fails unless `allow_vfr` is true (the default).',
  appliesTo: ['video'],
  params: () => z.strictObject({
    allowed: z.array(z.number().positive()).min(1).optional().meta({ description: 'e.g. [25, 29.97, 30]' }),
    min: z.number().positive().optional(),
    max: z.number().positive().optional(),
    tolerance: z.number().min(0).default(0.01),
    allow_vfr: z.boolean().default(true).meta({ description: 'false: variable frame rate (typical of phone footage) fails' }),
  }),
  async run({ params, analyses }) {
    const v = (await analyses.get(avProbe)).details.video!;
    const rate = v.frame_rate;
    const measured = { fps: Number(rate.toFixed(3)), variable: v.vfr };
    const expected = {
      ...(params.allowed ? { allowed: params.allowed } : {}),
      ...(params.min ? { min: params.min } : {}),
      ...(params.max ? { max: params.max } : {}),
      tolerance: params.tolerance,
      allow_vfr: params.allow_vfr,
    };
    if (rate <= 0) {
      return { status: 'fail', message: 'the video records no frame rate (a single frame, or no timing): export it as a video at a constant allowed frame rate', measured, expected };
    }
    const problems: string[] = [];
    if (params.allowed && !params.allowed.some((a) => Math.abs(a - rate) <= params.tolerance)) problems.push(`${fps(rate)} fps is not one of ${list(params.allowed.map(fps))} fps`);
    if (params.min && rate < params.min - params.tolerance) problems.push(`${fps(rate)} fps is under the ${fps(params.min)} fps minimum`);
    if (params.max && rate > params.max + params.tolerance) problems.push(`${fps(rate)} fps is over the ${fps(params.max)} fps maximum`);
    if (v.vfr && !params.allow_vfr) problems.push('the frame rate is variable');
    return problems.length > 0
      ? { status: 'fail', message: `${problems.join('; ')}: re-encode at a constant allowed frame rate`, measured, expected }
      : { status: 'pass', message: `${fps(rate)} fps${v.vfr ? ' (variable)' : ''} is allowed`, measured, expected };
  },
});
