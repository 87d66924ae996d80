import { z } from 'zod';
import { avPass, avProbe, avStills } from '../../analysis/av/index.js';
import { judgeSegments } from '../../analysis/av/segments.js';
import { requestOf } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { describeSegment, secs, segmentEvidence } from './segment-evidence.js';

const paramsSchema = () =>
  z.strictObject({
    max_duration_s: z.number().min(0).default(0.5).meta({ description: 'Longest black stretch allowed inside the clip' }),
    allow_at_start_s: z.number().min(0).default(0.5).meta({ description: 'Black allowed at the very start (a fade-in or slate gap)' }),
    allow_at_end_s: z.number().min(0).default(0.5).meta({ description: 'Black allowed at the very end' }),
  });

export const videoBlackFrames = defineCheck({
  id: 'video.black_frames',
  name: 'Black frames',
  description: 'No black stretch longer than `max_duration_s`, except up to `allow_at_start_s` at the start and `allow_at_end_s` at the end (FFmpeg blackdetect: 98% of pixels below 10% luma).',
  appliesTo: ['video'],
  params: paramsSchema,
  requires: (p) => [
    requestOf(avPass, { measure: 'black', min_duration_s: Math.min(p.max_duration_s, p.allow_at_start_s, p.allow_at_end_s) }),
    requestOf(avStills, 'black'),
    requestOf(avPass, { measure: 'frames' }),
  ],
  async run({ params, analyses }) {
    const { details } = await analyses.get(avProbe);
    const pass = await analyses.get(avPass);
    const frame = 1 / Math.max(1, details.video?.frame_rate ?? 25);
    const judged = judgeSegments(pass.black ?? [], details.duration_s, params, frame);
    const stills = judged.length > 0 ? await analyses.get(avStills) : [];
    const bad = judged.filter((s) => s.too_long);
    const measured = { segments: judged.length, longest_s: Number(Math.max(0, ...judged.map((s) => s.end_s - s.start_s)).toFixed(3)) };
    const evidence = segmentEvidence(judged, 'black', stills.filter((s) => s.kind === 'black'));
    const base = { measured, expected: params, ...(evidence.length > 0 ? { evidence } : {}) };
    if (bad.length > 0) {
      return { status: 'fail', ...base, message: `black for too long: ${bad.map(describeSegment).join('; ')} — allowed ${secs(params.allow_at_start_s)} at the start, ${secs(params.allow_at_end_s)} at the end, ${secs(params.max_duration_s)} elsewhere` };
    }
    return { status: 'pass', ...base, message: judged.length > 0 ? `${judged.length} short black stretch${judged.length > 1 ? 'es' : ''}, all within the limits` : 'no black stretches' };
  },
});
