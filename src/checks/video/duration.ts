import { z } from 'zod';
import { avPass, avProbe, avStrip } from '../../analysis/av/index.js';
import { requestOf, type Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';

const secs = (n: number) => `${Number(n.toFixed(2))} s`;

export const videoDuration = defineCheck({
  id: 'video.duration',
  name: 'Duration',
  description: 'The running time is between `min_s` and `max_s`. Its evidence is a strip of frames across the clip.',
  appliesTo: ['video', 'audio'],
  params: () => z
    .strictObject({ min_s: z.number().min(0).optional(), max_s: z.number().positive().optional() })
    .refine((p) => p.min_s !== undefined || p.max_s !== undefined, 'give min_s and/or max_s'),
  // The strip is cut from pictures the decode pass samples anyway.
  requires: () => [requestOf(avPass, { measure: 'frames' })],
  async run({ params, analyses }) {
    const { details } = await analyses.get(avProbe);
    const d = details.duration_s;
    const measured = { duration_s: Number(d.toFixed(3)) };
    const expected = { ...(params.min_s !== undefined ? { min_s: params.min_s } : {}), ...(params.max_s !== undefined ? { max_s: params.max_s } : {}) };
    const evidence: Evidence[] = [];
    const strip = details.video ? await analyses.get(avStrip) : undefined;
    if (strip) evidence.push({ image: strip.image, label: `frames at ${strip.times_s.map(secs).join(', ')}` });
    const withEvidence = evidence.length > 0 ? { evidence } : {};
    if (params.min_s !== undefined && d < params.min_s) return { status: 'fail', message: `${secs(d)} is shorter than the ${secs(params.min_s)} minimum: deliver the full-length cut`, measured, expected, ...withEvidence };
    if (params.max_s !== undefined && d > params.max_s) return { status: 'fail', message: `${secs(d)} is longer than the ${secs(params.max_s)} maximum: deliver a cut that fits`, measured, expected, ...withEvidence };
    return { status: 'pass', message: `${secs(d)} is within the allowed running time`, measured, expected, ...withEvidence };
  },
});
