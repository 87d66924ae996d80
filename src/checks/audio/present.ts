import { z } from 'zod';
import { avProbe } from '../../analysis/av/index.js';
import { defineCheck } from '../define.js';

export const audioPresent = defineCheck({
  id: 'audio.present',
  name: 'Audio track',
  description: 'With `required: true` the file must carry an audio track; with `required: false` a silent video passes too.',
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({ required: z.boolean().default(true) }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(avProbe);
    const a = details.audio;
    const measured = { audio_tracks: details.audio_stream_count, ...(a ? { codec: a.codec } : {}) };
    const expected = { required: params.required };
    if (!a) {
      return params.required
        ? { status: 'fail', message: 'there is no audio track: export the video with its sound (add a silent track only if the placement really has no sound)', measured, expected }
        : { status: 'pass', message: 'no audio track, which is allowed here', measured, expected };
    }
    return { status: 'pass', message: `${a.codec} audio track present${details.audio_stream_count > 1 ? ` (${details.audio_stream_count} tracks; the first is checked)` : ''}`, measured, expected };
  },
});
