import { z } from 'zod';
import { avPass, avProbe } from '../../analysis/av/index.js';
import { outOfPhase } from '../../analysis/av/phase.js';
import { requestOf, type Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { secs } from '../video/segment-evidence.js';
import { audioStreamOf } from './audio-stream.js';

export const audioPhase = defineCheck({
  id: 'audio.phase',
  name: 'Phase (mono compatibility)',
  description:
    'The left and right channels are not out of phase (FFmpeg aphasemeter per 100 ms: +1 in phase, 0 unrelated, −1 inverted) below `threshold` for `min_duration_s` or longer: such a mix cancels when played in mono (phones, mono TVs, smart speakers). Multichannel sound is judged on its front left and right.',
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({
    threshold: z.number().min(-1).max(1).default(-0.3).meta({ description: 'Phase below this counts as out of phase (−1 fully inverted)' }),
    min_duration_s: z.number().min(0).default(1).meta({ description: 'Shortest out-of-phase stretch that fails' }),
  }),
  requires: () => [requestOf(avPass, { measure: 'phase' })],
  async run({ params, analyses }) {
    const audio = audioStreamOf((await analyses.get(avProbe)).details);
    if (audio.channels < 2) return { status: 'skipped', message: 'the sound is mono: it has no phase between channels' };
    const blocks = (await analyses.get(avPass)).depth?.phase;
    if (!blocks || blocks.length === 0) return { status: 'skipped', message: 'the audio track decoded to nothing measurable' };
    const summary = outOfPhase(blocks, params.threshold, params.min_duration_s);
    const measured = { mean_phase: summary.mean, negative_share: summary.negative_share, out_of_phase_s: Number(summary.segments.reduce((n, s) => n + s.end_s - s.start_s, 0).toFixed(3)) };
    const step = Math.max(1, Math.ceil(blocks.length / 600));
    const evidence: Evidence[] = [
      ...summary.segments.map((s) => ({ start_s: s.start_s, end_s: s.end_s, label: 'out of phase' })),
      { label: 'phase between left and right (100 ms blocks)', series: { x_label: 'time (s)', y_label: 'phase', points: blocks.filter((_, i) => i % step === 0).map(([t, v]) => [t, v] as [number, number]), band: { min: params.threshold, max: 1 } } },
    ];
    const base = { measured, expected: params, evidence };
    if (summary.segments.length > 0) {
      const where = summary.segments.map((s) => `${secs(s.start_s)}–${secs(s.end_s)}`).join(', ');
      return { status: 'fail', ...base, message: `the channels are out of phase (a polarity flip or a stereo effect that cancels in mono) at ${where}: invert one channel's polarity or fix the stereo widening` };
    }
    return { status: 'pass', ...base, message: `mono-compatible: mean phase ${summary.mean.toFixed(2)}, no stretch under ${params.threshold} for ${secs(params.min_duration_s)}` };
  },
});
