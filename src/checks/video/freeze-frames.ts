import { z } from 'zod';
import { avPass, avProbe, avStills } from '../../analysis/av/index.js';
import { judgeSegments } from '../../analysis/av/segments.js';
import { requestOf } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { describeSegment, secs, segmentEvidence } from './segment-evidence.js';

export const videoFreezeFrames = defineCheck({
  id: 'video.freeze_frames',
  name: 'Frozen picture',
  description: 'No stretch of identical frames longer than `max_duration_s` (FFmpeg freezedetect). Black stretches are left to video.black_frames: a black hold is not a freeze.',
  appliesTo: ['video'],
  params: () => z.strictObject({
    max_duration_s: z.number().min(0.1).default(2).meta({ description: 'Longest frozen stretch allowed' }),
  }),
  requires: (p) => [requestOf(avPass, { measure: 'freeze', min_duration_s: p.max_duration_s }), requestOf(avStills, 'freeze'), requestOf(avPass, { measure: 'frames' })],
  async run({ params, analyses }) {
    const { details } = await analyses.get(avProbe);
    const pass = await analyses.get(avPass);
    const frame = 1 / Math.max(1, details.video?.frame_rate ?? 25);
    const allow = { max_duration_s: params.max_duration_s, allow_at_start_s: 0, allow_at_end_s: 0 };
    const judged = judgeSegments(pass.freeze ?? [], details.duration_s, allow, frame);
    const stills = judged.length > 0 ? await analyses.get(avStills) : [];
    const bad = judged.filter((s) => s.too_long);
    const measured = { segments: judged.length, longest_s: Number(Math.max(0, ...judged.map((s) => s.end_s - s.start_s)).toFixed(3)) };
    const evidence = segmentEvidence(judged, 'frozen', stills.filter((s) => s.kind === 'freeze'));
    const base = { measured, expected: params, ...(evidence.length > 0 ? { evidence } : {}) };
    return bad.length > 0
      ? { status: 'fail', ...base, message: `the picture is frozen for longer than ${secs(params.max_duration_s)}: ${bad.map(describeSegment).join('; ')} — check the edit or the export` }
      : { status: 'pass', ...base, message: `no frozen stretch longer than ${secs(params.max_duration_s)}` };
  },
});
