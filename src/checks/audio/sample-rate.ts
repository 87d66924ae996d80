import { z } from 'zod';
import { avProbe } from '../../analysis/av/index.js';
import { defineCheck, list } from '../define.js';
import { audioStreamOf } from './audio-stream.js';

export const audioSampleRate = defineCheck({
  id: 'audio.sample_rate',
  name: 'Sample rate',
  description: 'The audio sample rate (Hz) is one of `allowed`.',
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({ allowed: z.array(z.number().int().positive()).min(1).meta({ description: 'e.g. [48000]' }) }),
  async run({ params, analyses }) {
    const a = audioStreamOf((await analyses.get(avProbe)).details);
    const measured = { hz: a.sample_rate };
    const expected = { allowed: params.allowed };
    return params.allowed.includes(a.sample_rate)
      ? { status: 'pass', message: `${a.sample_rate} Hz is allowed`, measured, expected }
      : { status: 'fail', message: `${a.sample_rate} Hz is not allowed (allowed: ${list(params.allowed.map((r) => `${r} Hz`))}): resample to ${params.allowed[0]} Hz`, measured, expected };
  },
});
