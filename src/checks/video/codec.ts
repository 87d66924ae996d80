import { z } from 'zod';
import { avProbe } from '../../analysis/av/index.js';
import { defineCheck, list } from '../define.js';

/** What people write in specs → FFmpeg's codec names. */
const CODEC_ALIASES: Record<string, string> = {
  avc: 'h264', 'h.264': 'h264', x264: 'h264',
  h265: 'hevc', 'h.265': 'hevc', x265: 'hevc',
  mpeg2: 'mpeg2video', 'mpeg-2': 'mpeg2video', 'mpeg-4': 'mpeg4',
};
export const normaliseCodec = (c: string) => CODEC_ALIASES[c.toLowerCase()] ?? c.toLowerCase();

/** Formats that are video containers even when the sniff classed the file as audio by its tracks. */
const VIDEO_CONTAINERS = new Set(['mp4', 'mov', 'm4v', 'webm', 'mkv', '3gp', '3g2']);

export const videoCodec = defineCheck({
  id: 'video.codec',
  name: 'Video codec',
  description: 'The video stream\'s codec is one of `allowed` (FFmpeg names; h264/avc, hevc/h265, prores, vp9, av1…), and optionally its profile is one of `profiles`.',
  // Also on audio: a video profile given a sound-only file must say there is no picture.
  appliesTo: ['video', 'audio'],
  params: () => z.strictObject({
    allowed: z.array(z.string().min(1)).min(1).transform((a) => a.map(normaliseCodec)).meta({ description: 'e.g. ["h264", "hevc"]' }),
    profiles: z.array(z.string().min(1)).min(1).optional().meta({ description: 'e.g. ["High", "Main"] (case-insensitive)' }),
  }),
  async run({ params, analyses, asset }) {
    const v = (await analyses.get(avProbe)).details.video;
    // An audio file (WAV, MP3, M4A) is simply not judged here; a video container (MP4, WebM…)
    // that holds sound alone was delivered as a video and has no picture.
    if (!v && !VIDEO_CONTAINERS.has(asset.sniff.format)) return { status: 'skipped', message: 'applies to video files; this is an audio file' };
    if (!v) {
      return {
        status: 'fail',
        message: 'the file has no picture, only sound: export it again with its video track, or deliver it as an audio file (.m4a, .wav) and check it with an audio profile',
        measured: { codec: null, profile: null },
        expected: { allowed: params.allowed },
      };
    }
    const measured = { codec: v.codec, profile: v.profile ?? null };
    const expected = { allowed: params.allowed, ...(params.profiles ? { profiles: params.profiles } : {}) };
    if (!params.allowed.includes(v.codec)) {
      return { status: 'fail', message: `${v.codec} video is not allowed (allowed: ${list(params.allowed)}): re-encode as ${params.allowed[0]}`, measured, expected };
    }
    if (params.profiles && !params.profiles.some((p) => p.toLowerCase() === (v.profile ?? '').toLowerCase())) {
      return { status: 'fail', message: `${v.codec} profile ${v.profile ?? 'unknown'} is not one of ${list(params.profiles)}: re-encode with an allowed profile`, measured, expected };
    }
    return { status: 'pass', message: `${v.codec}${v.profile ? ` (${v.profile})` : ''} is allowed`, measured, expected };
  },
});
