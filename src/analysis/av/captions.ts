/**
 * Captions a video carries: subtitle streams in the container (mov_text, WebVTT, SubRip, DVB,
 * PGS…), closed captions in the picture stream (CEA-608/708, which ffprobe reports as
 * `closed_captions`), and SubRip/WebVTT sidecars beside the file (`ad.srt`, `ad.en.vtt`).
 * The streams come from the probe's ffprobe (`av.streams`), not a second run; sidecars are read
 * as text and must hold at least one cue. Only `aiqc check` sees the folder the file sits in:
 * the Box pipeline and the console receive the video alone, so for them only captions inside the
 * file count.
 */
import { open, readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Analysis } from '../../qc/types.js';
import { avStreams, type SubtitleStream } from './probe.js';

export type { SubtitleStream } from './probe.js';

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
    const found = (await ctx.get(avStreams)).captions;
    return { streams: found?.streams ?? [], closed_captions: found?.closed_captions ?? false, sidecars: await findSidecars(ctx.asset.path, [stemOf(ctx.asset.path), stemOf(ctx.asset.name)]) };
  },
};
