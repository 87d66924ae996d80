import { z } from 'zod';
import { avCaptions } from '../../analysis/av/captions.js';
import { defineCheck } from '../define.js';

export const videoCaptions = defineCheck({
  id: 'video.captions',
  name: 'Captions',
  description:
    'The video carries captions when `required`: a subtitle stream in the file (mov_text, WebVTT, SubRip…), closed captions (CEA-608/708) in the picture, or — with `sidecar` — a SubRip/WebVTT file with at least one cue beside it named after it (`ad.srt`, `ad.en.vtt`). Sidecars are seen by `aiqc check` only: the Box pipeline and the console receive the video alone.',
  appliesTo: ['video'],
  params: () => z.strictObject({
    required: z.boolean().default(true).meta({ description: 'Fail without captions; false only reports what is there' }),
    sidecar: z.boolean().default(true).meta({ description: 'A .srt/.vtt beside the file counts' }),
  }),
  async run({ params, analyses }) {
    const c = await analyses.get(avCaptions);
    const usable = params.sidecar ? c.sidecars.filter((s) => !s.problem) : [];
    const broken = params.sidecar ? c.sidecars.filter((s) => s.problem) : [];
    const measured = {
      subtitle_streams: c.streams.length,
      ...(c.streams.length > 0 ? { stream_codecs: c.streams.map((s) => `${s.codec}${s.language ? ` (${s.language})` : ''}`).join(', ') } : {}),
      closed_captions: c.closed_captions,
      sidecars: usable.map((s) => `${s.file} (${s.cues} cues)`).join(', ') || 'none',
    };
    const expected = params;
    const evidence = [
      ...c.streams.map((s) => ({ label: `subtitle stream #${s.index}: ${s.codec}${s.language ? `, ${s.language}` : ''}${s.title ? `, "${s.title}"` : ''}` })),
      ...c.sidecars.map((s) => ({ label: `sidecar ${s.file}: ${s.problem ?? `${s.cues} cue${s.cues === 1 ? '' : 's'}`}` })),
    ];
    const found = [
      c.streams.length > 0 ? `${c.streams.length} subtitle stream${c.streams.length > 1 ? 's' : ''} (${measured.stream_codecs})` : '',
      c.closed_captions ? 'closed captions (CEA-608/708) in the picture' : '',
      usable.length > 0 ? `sidecar ${usable.map((s) => s.file).join(', ')}` : '',
    ].filter(Boolean);
    const base = { measured, expected, ...(evidence.length > 0 ? { evidence } : {}) };
    if (found.length > 0) return { status: 'pass', ...base, message: `captions: ${found.join('; ')}` };
    const brokenNote = broken.length > 0 ? ` (${broken.map((s) => `${s.file}: ${s.problem}`).join('; ')})` : '';
    if (!params.required) return { status: 'pass', ...base, message: `no captions (not required)${brokenNote}` };
    return {
      status: 'fail',
      ...base,
      message: `no captions: no subtitle stream or closed captions in the file${params.sidecar ? ' and no .srt/.vtt beside it' : ''}${brokenNote} — add a subtitle track (e.g. mov_text in MP4)${params.sidecar ? ' or deliver a SubRip/WebVTT file named after the video' : ''}`,
    };
  },
});
