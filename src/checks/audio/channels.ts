import { z } from 'zod';
import { avProbe } from '../../analysis/av/index.js';
import { defineCheck, list } from '../define.js';
import { audioStreamOf } from './audio-stream.js';

const NAMED: Record<string, number> = { mono: 1, stereo: 2, '5.1': 6, '7.1': 8 };

export const audioChannels = defineCheck({
  id: 'audio.channels',
  name: 'Audio channels',
  description: 'The channel count is one of `allowed`: numbers (1, 2, 6) or names (mono, stereo, 5.1, 7.1).',
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({
    allowed: z
      .array(z.union([z.number().int().positive(), z.enum(['mono', 'stereo', '5.1', '7.1'])]))
      .min(1)
      .transform((a) => a.map((c) => (typeof c === 'number' ? c : NAMED[c]!))),
  }),
  async run({ params, analyses }) {
    const a = audioStreamOf((await analyses.get(avProbe)).details);
    const measured = { channels: a.channels, ...(a.channel_layout ? { layout: a.channel_layout } : {}) };
    const expected = { allowed: params.allowed };
    const name = a.channel_layout ?? `${a.channels} channels`;
    return params.allowed.includes(a.channels)
      ? { status: 'pass', message: `${name} is allowed`, measured, expected }
      : { status: 'fail', message: `${name} (${a.channels} ch) is not allowed (allowed: ${list(params.allowed.map(String))} channels): re-export the mix`, measured, expected };
  },
});
