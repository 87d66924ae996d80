import { z } from 'zod';
import { avPass, avProbe } from '../../analysis/av/index.js';
import { judgeSegments } from '../../analysis/av/segments.js';
import { requestOf } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { describeSegment, secs, segmentEvidence } from '../video/segment-evidence.js';
import { audioStreamOf } from './audio-stream.js';

export const audioSilence = defineCheck({
  id: 'audio.silence',
  name: 'Silence',
  description: 'No stretch quieter than `threshold_db` (dBFS, all channels) longer than `max_duration_s`, except up to `allow_at_start_s` / `allow_at_end_s` at the edges (FFmpeg silencedetect).',
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({
    max_duration_s: z.number().min(0.01).default(2),
    threshold_db: z.number().max(0).default(-60),
    allow_at_start_s: z.number().min(0).default(0.5),
    allow_at_end_s: z.number().min(0).default(0.5),
  }),
  requires: (p) => [requestOf(avPass, { measure: 'silence', threshold_db: p.threshold_db, min_duration_s: Math.max(0.01, Math.min(p.max_duration_s, p.allow_at_start_s, p.allow_at_end_s)) })],
  async run({ params, analyses }) {
    const { details } = await analyses.get(avProbe);
    const audio = audioStreamOf(details);
    const found = (await analyses.get(avPass)).silence.find((s) => s.threshold_db === params.threshold_db);
    const slack = 1024 / Math.max(1, audio.sample_rate);
    const judged = judgeSegments(found?.segments ?? [], details.duration_s, params, Math.max(slack, 0.02));
    const bad = judged.filter((s) => s.too_long);
    const measured = { segments: judged.length, longest_s: Number(Math.max(0, ...judged.map((s) => s.end_s - s.start_s)).toFixed(3)) };
    const evidence = segmentEvidence(judged, `silence (< ${params.threshold_db} dB)`);
    const base = { measured, expected: params, ...(evidence.length > 0 ? { evidence } : {}) };
    return bad.length > 0
      ? { status: 'fail', ...base, message: `silent for too long: ${bad.map(describeSegment).join('; ')} — allowed ${secs(params.allow_at_start_s)} at the start, ${secs(params.allow_at_end_s)} at the end, ${secs(params.max_duration_s)} elsewhere` }
      : { status: 'pass', ...base, message: judged.length > 0 ? `${judged.length} short silence${judged.length > 1 ? 's' : ''}, all within the limits` : `no silence longer than ${secs(Math.min(params.max_duration_s, params.allow_at_start_s, params.allow_at_end_s))}` };
  },
});
