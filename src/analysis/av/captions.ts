/**
 * Captions a video carries: subtitle streams in the container (mov_text, WebVTT, SubRip, DVB,
 * PGS…), closed captions in the picture stream (CEA-608/708, which ffprobe reports as
 * `closed_captions`), and SubRip/WebVTT sidecars beside the file (`ad.srt`, `ad.en.vtt`).
 * One small ffprobe of the stream list (no decode); sidecars are read as text and must hold at
 * least one cue. Only `aiqc check` sees the folder the file sits in: the Box pipeline and the
 * console receive the video alone, so for them only captions inside the file count.
 */
import { open, readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Analysis } from '../../qc/types.js';
import { inputUrl } from './probe.js';
import { runTool } from './tools.js';

export interface SubtitleStream {
  index: number;
  codec: string;
  language?: string;
  title?: string;
}

export interface Sidecar {
  file: string;
  format: 'srt' | 'vtt';
  /** The language part of the name (`ad.en.srt` → en), when there is one. */
  language?: string;
  cues: number;
  /** Why the file does not count (no cue, not the format its name says). */
  problem?: string;
}

export interface CaptionsResult {
  streams: SubtitleStream[];
  /** The picture stream carries CEA-608/708 closed captions. */
  closed_captions: boolean;
  sidecars: Sidecar[];
}

interface StreamJson {
  streams?: Array<{ index?: number; codec_type?: string; codec_name?: string; closed_captions?: number; tags?: Record<string, string> }>;
}

/** Pure: ffprobe's stream list → subtitle streams and whether the picture carries closed captions. */
export function captionStreams(json: StreamJson): Pick<CaptionsResult, 'streams' | 'closed_captions'> {
  const streams = (json.streams ?? [])
    .filter((s) => s.codec_type === 'subtitle')
    .map((s) => ({
      index: s.index ?? 0,
      codec: s.codec_name ?? 'unknown',
      ...(s.tags?.['language'] && s.tags['language'] !== 'und' ? { language: s.tags['language'] } : {}),
      ...(s.tags?.['title'] ? { title: s.tags['title'] } : {}),
    }));
  return { streams, closed_captions: (json.streams ?? []).some((s) => s.codec_type === 'video' && s.closed_captions === 1) };
}

const SRT_TIMING = /^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{3}/m;
const VTT_TIMING = /^\s*(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}\s*-->\s*(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}/gm;

/** Pure: a sidecar's text → its cue count, or what is wrong with it. */
export function readSidecar(text: string, format: 'srt' | 'vtt'): { cues: number; problem?: string } {
  const body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (format === 'vtt') {
    if (!/^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(body)) return { cues: 0, problem: 'not WebVTT (it must start with "WEBVTT")' };
    const cues = body.match(VTT_TIMING)?.length ?? 0;
    return cues > 0 ? { cues } : { cues: 0, problem: 'no cues' };
  }
  const cues = body.split(/\n\s*\n/).filter((block) => SRT_TIMING.test(block)).length;
  return cues > 0 ? { cues } : { cues: 0, problem: 'no cues (not SubRip?)' };
}

/** Sidecars are small; a longer file is read only this far (enough to count its cues). */
const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

async function readHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_SIDECAR_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Sidecars beside `path` whose name starts with one of `stems` (the file's own and the name the user knows it by). */
export async function findSidecars(path: string, stems: readonly string[]): Promise<Sidecar[]> {
  const dir = dirname(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  const wanted = [...new Set(stems.filter(Boolean))];
  const out: Sidecar[] = [];
  for (const name of names.sort()) {
    const ext = extname(name).toLowerCase();
    if (ext !== '.srt' && ext !== '.vtt') continue;
    const base = name.slice(0, -ext.length);
    const stem = wanted.find((s) => base === s || base.startsWith(`${s}.`));
    if (stem === undefined) continue;
    const language = base.slice(stem.length + 1) || undefined;
    const format = ext === '.srt' ? 'srt' : 'vtt';
    const text = await readHead(join(dir, name)).catch(() => '');
    out.push({ file: name, format, ...(language ? { language } : {}), ...readSidecar(text, format) });
  }
  return out;
}

const stemOf = (name: string) => basename(name, extname(name));

export const avCaptions: Analysis<CaptionsResult> = {
  id: 'av.captions',
  async compute(ctx) {
    const run = await runTool(
      'ffprobe',
      ctx.env.ffprobePath,
      ['-hide_banner', '-v', 'error', '-show_entries', 'stream=index,codec_type,codec_name,closed_captions:stream_tags=language,title', '-of', 'json', inputUrl(ctx.asset.path)],
      { signal: ctx.signal, timeoutMs: ctx.env.checkTimeoutMs },
    );
    let json: StreamJson = {};
    try {
      json = JSON.parse(run.stdout || '{}') as StreamJson;
    } catch {
      // The probe already read this file; a list that does not parse means no streams to add.
    }
    return { ...captionStreams(json), sidecars: await findSidecars(ctx.asset.path, [stemOf(ctx.asset.path), stemOf(ctx.asset.name)]) };
  },
};
