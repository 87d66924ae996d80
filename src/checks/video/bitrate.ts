import { z } from 'zod';
import { avProbe } from '../../analysis/av/index.js';
import { defineCheck } from '../define.js';

export const videoBitrate = defineCheck({
  id: 'video.bitrate',
  name: 'Bit rate',
  description: 'The overall bit rate (all streams, from the container) is at most `max_kbps` and at least `min_kbps`.',
  appliesTo: ['video', 'audio'],
  params: () => z
    .strictObject({ max_kbps: z.number().positive().optional(), min_kbps: z.number().positive().optional() })
    .refine((p) => p.max_kbps !== undefined || p.min_kbps !== undefined, 'give max_kbps and/or min_kbps'),
  async run({ params, analyses, asset }) {
    const { details } = await analyses.get(avProbe);
    // Some containers declare no bit rate; size over time is the same quantity.
    const kbps = details.bit_rate_kbps ?? (details.duration_s > 0 ? Math.round((asset.size_bytes * 8) / details.duration_s / 100) / 10 : undefined);
    if (kbps === undefined) return { status: 'skipped', message: 'the bit rate cannot be known: the file declares no duration' };
    const measured = { kbps, ...(details.video?.bit_rate_kbps ? { video_kbps: details.video.bit_rate_kbps } : {}), ...(details.audio?.bit_rate_kbps ? { audio_kbps: details.audio.bit_rate_kbps } : {}) };
    const expected = { ...(params.max_kbps ? { max_kbps: params.max_kbps } : {}), ...(params.min_kbps ? { min_kbps: params.min_kbps } : {}) };
    if (params.max_kbps && kbps > params.max_kbps) return { status: 'fail', message: `${kbps} kbps is over the ${params.max_kbps} kbps maximum: re-encode at a lower bit rate`, measured, expected };
    if (params.min_kbps && kbps < params.min_kbps) return { status: 'fail', message: `${kbps} kbps is under the ${params.min_kbps} kbps minimum: re-encode at a higher bit rate (or from a better master)`, measured, expected };
    return { status: 'pass', message: `${kbps} kbps is within the limits`, measured, expected };
  },
});
