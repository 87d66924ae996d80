import { z } from 'zod';
import { avPass, avProbe } from '../../analysis/av/index.js';
import { requestOf, type Evidence } from '../../qc/types.js';
import { isSilent } from '../../analysis/av/silence.js';
import { defineCheck } from '../define.js';
import { audioStreamOf } from './audio-stream.js';

const lufs = (n: number) => `${n.toFixed(1)} LUFS`;

export const audioLoudness = defineCheck({
  id: 'audio.loudness',
  name: 'Integrated loudness',
  description:
    'Programme (integrated) loudness per ITU-R BS.1770-4 / EBU R128 (FFmpeg ebur128) is `target_lufs` ± `tolerance_lu`; optionally the loudest 3 s (max short-term) and 400 ms (max momentary) stay under a ceiling, and the loudness range under `max_lra_lu`.',
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({
    target_lufs: z.number().max(0).meta({ description: 'e.g. -23 (EBU R128), -24 (ATSC A/85)' }),
    tolerance_lu: z.number().min(0).default(1),
    max_short_term_lufs: z.number().max(0).optional().meta({ description: 'EBU R128 s1 short-form: target + 5 LU' }),
    max_momentary_lufs: z.number().max(0).optional(),
    max_lra_lu: z.number().min(0).optional(),
  }),
  requires: () => [requestOf(avPass, { measure: 'loudness' })],
  async run({ params, analyses }) {
    audioStreamOf((await analyses.get(avProbe)).details);
    const l = (await analyses.get(avPass)).loudness;
    if (!l) return { status: 'skipped', message: 'the audio track decoded to nothing measurable' };
    const measured = {
      integrated_lufs: l.integrated_lufs,
      lra_lu: l.lra_lu,
      max_short_term_lufs: l.max_short_term_lufs,
      max_momentary_lufs: l.max_momentary_lufs,
    };
    const expected = params;
    const low = params.target_lufs - params.tolerance_lu;
    const high = params.target_lufs + params.tolerance_lu;
    const evidence: Evidence[] = [
      {
        label: 'short-term loudness (3 s window)',
        series: { x_label: 'time (s)', y_label: 'LUFS', points: l.short_term, band: { min: low, max: high } },
      },
    ];
    if (isSilent(l)) {
      return { status: 'fail', message: `the audio is silent (digital silence: nothing above BS.1770's −70 LUFS gate): export the mix with its sound, then loudness-normalise to ${lufs(params.target_lufs)}`, measured: { ...measured, silent: true }, expected, evidence };
    }
    const problems: string[] = [];
    if (l.integrated_lufs < low - 1e-9 || l.integrated_lufs > high + 1e-9) {
      problems.push(`${lufs(l.integrated_lufs)} is outside ${params.target_lufs} ± ${params.tolerance_lu} LU (${l.integrated_lufs > high ? 'too loud' : 'too quiet'} by ${Math.abs(l.integrated_lufs - params.target_lufs).toFixed(1)} LU from the target)`);
    }
    if (params.max_short_term_lufs !== undefined && l.max_short_term_lufs !== null && l.max_short_term_lufs > params.max_short_term_lufs) {
      problems.push(`the loudest 3 s reach ${lufs(l.max_short_term_lufs)}, over the ${lufs(params.max_short_term_lufs)} ceiling`);
    }
    if (params.max_momentary_lufs !== undefined && l.max_momentary_lufs !== null && l.max_momentary_lufs > params.max_momentary_lufs) {
      problems.push(`the loudest moment reaches ${lufs(l.max_momentary_lufs)}, over the ${lufs(params.max_momentary_lufs)} ceiling`);
    }
    if (params.max_lra_lu !== undefined && l.lra_lu > params.max_lra_lu) problems.push(`the loudness range is ${l.lra_lu.toFixed(1)} LU, over the ${params.max_lra_lu} LU maximum`);
    return problems.length > 0
      ? { status: 'fail', message: `${problems.join('; ')}: re-mix or loudness-normalise to ${lufs(params.target_lufs)}`, measured, expected, evidence }
      : { status: 'pass', message: `${lufs(l.integrated_lufs)} is within ${params.target_lufs} ± ${params.tolerance_lu} LU`, measured, expected, evidence };
  },
});
