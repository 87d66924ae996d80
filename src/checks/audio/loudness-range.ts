import { z } from 'zod';
import { avPass, avProbe } from '../../analysis/av/index.js';
import { isSilent } from '../../analysis/av/silence.js';
import { requestOf, type Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { audioStreamOf } from './audio-stream.js';

const lu = (n: number) => `${n.toFixed(1)} LU`;

export const audioLoudnessRange = defineCheck({
  id: 'audio.loudness_range',
  name: 'Loudness range',
  description:
    'The loudness range (LRA, EBU Tech 3342: the spread between the 10th and 95th percentiles of the gated 3 s short-term loudness, as FFmpeg ebur128 measures it) is between `min_lu` and `max_lu`: too wide and quiet passages are lost on a TV or a phone; too narrow is a squashed mix.',
  appliesTo: ['video', 'audio'],
  params: () => z
    .strictObject({
      min_lu: z.number().min(0).optional().meta({ description: 'Narrowest range allowed (e.g. 3 for a mix that should not be over-compressed)' }),
      max_lu: z.number().min(0).default(20).meta({ description: 'Widest range allowed (e.g. 20; streaming services ask for less, e.g. 15)' }),
    })
    .refine((p) => p.min_lu === undefined || p.max_lu === undefined || p.min_lu <= p.max_lu, { message: 'min_lu must not be above max_lu' }),
  requires: () => [requestOf(avPass, { measure: 'loudness' })],
  async run({ params, analyses }) {
    const { details } = await analyses.get(avProbe);
    audioStreamOf(details);
    const l = (await analyses.get(avPass)).loudness;
    if (!l) return { status: 'skipped', message: 'the audio track decoded to nothing measurable' };
    if (isSilent(l)) return { status: 'skipped', message: 'the audio is silent: it has no loudness range (audio.loudness judges silence)' };
    const measured = {
      lra_lu: l.lra_lu,
      ...(l.lra_low_lufs !== undefined ? { lra_low_lufs: l.lra_low_lufs, lra_high_lufs: l.lra_high_lufs } : {}),
    };
    const expected = params;
    // The LRA's own bounds drawn as the band over the short-term curve it is computed from.
    const evidence: Evidence[] =
      l.lra_low_lufs !== undefined && l.lra_high_lufs !== undefined
        ? [{ label: 'short-term loudness and its range (10th–95th percentile)', series: { x_label: 'time (s)', y_label: 'LUFS', points: l.short_term, band: { min: l.lra_low_lufs, max: l.lra_high_lufs } } }]
        : [];
    // Tech 3342 computes LRA from 3 s windows: a clip shorter than that has no range to speak of.
    const short = details.duration_s < 3 ? ' (the clip is shorter than the 3 s window LRA is measured with)' : '';
    if (params.max_lu !== undefined && l.lra_lu > params.max_lu + 1e-9) {
      return { status: 'fail', message: `the loudness range is ${lu(l.lra_lu)}, over the ${lu(params.max_lu)} maximum: compress the mix (or ride the quiet passages up)`, measured, expected, evidence };
    }
    if (params.min_lu !== undefined && l.lra_lu < params.min_lu - 1e-9) {
      return { status: 'fail', message: `the loudness range is ${lu(l.lra_lu)}, under the ${lu(params.min_lu)} minimum: the mix is over-compressed${short}`, measured, expected, evidence };
    }
    const range = [params.min_lu !== undefined ? `at least ${lu(params.min_lu)}` : '', params.max_lu !== undefined ? `at most ${lu(params.max_lu)}` : ''].filter(Boolean).join(' and ');
    return { status: 'pass', message: `the loudness range is ${lu(l.lra_lu)}${range ? `, ${range}` : ''}${short}`, measured, expected, evidence };
  },
});
