import { z } from 'zod';
import { avPass, avProbe } from '../../analysis/av/index.js';
import { requestOf } from '../../qc/types.js';
import { isSilent } from '../../analysis/av/silence.js';
import { defineCheck } from '../define.js';
import { audioStreamOf } from './audio-stream.js';

export const audioTruePeak = defineCheck({
  id: 'audio.true_peak',
  name: 'True peak',
  description: 'The highest true (inter-sample, 4× oversampled per BS.1770-4) peak over all channels is at most `max_dbtp`.',
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({ max_dbtp: z.number().max(6).default(-1).meta({ description: 'e.g. -1 (EBU R128), -2 (ATSC A/85)' }) }),
  requires: () => [requestOf(avPass, { measure: 'loudness' })],
  async run({ params, analyses }) {
    audioStreamOf((await analyses.get(avProbe)).details);
    const l = (await analyses.get(avPass)).loudness;
    if (!l) return { status: 'skipped', message: 'the audio track decoded to nothing measurable' };
    const measured = { true_peak_dbtp: l.true_peak_dbtp, channels_dbtp: l.channel_true_peaks_dbtp };
    const expected = { max_dbtp: params.max_dbtp };
    // ebur128 reports −inf (−200 dBTP here) for digital silence: there is no peak to judge.
    if (isSilent(l)) return { status: 'pass', message: `the audio is silent: no true peak (within ${params.max_dbtp} dBTP)`, measured: { ...measured, silent: true }, expected };
    const over = l.true_peak_dbtp > params.max_dbtp + 1e-9;
    // Where the peak is, so the report can mark it on the loudness curve.
    const evidence = l.true_peak_at_s === null ? [] : [{ start_s: l.true_peak_at_s, label: 'true peak', detail: { dbtp: l.true_peak_dbtp, over } }];
    return over
      ? { status: 'fail', message: `true peak ${l.true_peak_dbtp.toFixed(1)} dBTP is over the ${params.max_dbtp} dBTP limit: apply a true-peak limiter`, measured, expected, evidence }
      : { status: 'pass', message: `true peak ${l.true_peak_dbtp.toFixed(1)} dBTP is within ${params.max_dbtp} dBTP`, measured, expected, evidence };
  },
});
