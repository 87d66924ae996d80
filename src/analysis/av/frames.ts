/**
 * Pictures for the report: stills at black/freeze segments, a strip of frames across the
 * clip, and the thumbnail. They come from the JPEG samples the decode pass already took
 * (no second decode); a seek (`-ss` before `-i`) is only the fallback, for a segment too
 * short to hold a sample or a profile that ran no pass.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSharp } from '../sharp.js';
import type { Analysis, AnalysisContext } from '../../qc/types.js';
import { avPass, type FrameSample } from './pass.js';
import { avProbe, inputUrl, type AvDetails } from './probe.js';
import { explainFailure } from './reasons.js';
import { durationOf, type Segment } from './segments.js';
import { runTool } from './tools.js';

/**
 * JPEGs of the frames at `times` (seconds), `width` px wide, by seeking. `exact` decodes
 * from the previous keyframe up to the time (a still must show the segment itself); without
 * it the keyframe is taken as is, which costs nothing (good enough for a thumbnail).
 */
export async function seekFrames(ctx: AnalysisContext, details: AvDetails, times: readonly number[], width: number, exact: boolean): Promise<Buffer[]> {
  const v = details.video;
  if (!v || times.length === 0) return [];
  const w = Math.min(width, v.display_width) & ~1;
  const h = Math.max(2, Math.round(w / (v.display_aspect_ratio || 16 / 9) / 2) * 2);
  const last = Math.max(0, details.duration_s - 1 / Math.max(1, v.frame_rate));
  const batch = `frames-${randomUUID().slice(0, 8)}`;
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y'];
  for (const t of times) args.push(...(exact ? [] : ['-noaccurate_seek']), '-ss', Math.min(Math.max(0, t), last).toFixed(3), '-i', inputUrl(ctx.asset.path));
  // ffmpeg turns phone video upright on decode; the explicit size applies the display aspect.
  args.push('-filter_complex', times.map((_, i) => `[${i}:${v.index}]scale=${w}:${h},setsar=1[s${i}]`).join(';'));
  const files = times.map((_, i) => join(ctx.env.tmpDir, `${batch}-${i}.jpg`));
  files.forEach((file, i) => args.push('-map', `[s${i}]`, '-frames:v', '1', '-q:v', '4', file));
  const run = await runTool('ffmpeg', ctx.env.ffmpegPath, args, { signal: ctx.signal, timeoutMs: ctx.env.checkTimeoutMs });
  if (run.code !== 0) throw new Error(`frames could not be extracted: ${explainFailure(run.stderr)}`);
  return Promise.all(files.map((f) => readFile(f)));
}

export const dataUri = (jpeg: Buffer) => `data:image/jpeg;base64,${jpeg.toString('base64')}`;

const resized = async (jpeg: Buffer, width: number) => (await loadSharp())(jpeg).resize({ width, withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();

/** The sample inside a segment nearest its middle, if one fell inside it. */
export function sampleInside(samples: readonly FrameSample[], seg: Segment): FrameSample | undefined {
  const mid = seg.start_s + durationOf(seg) / 2;
  let best: FrameSample | undefined;
  for (const s of samples) {
    if (s.t < seg.start_s || s.t >= seg.end_s) continue;
    if (!best || Math.abs(s.t - mid) < Math.abs(best.t - mid)) best = s;
  }
  return best;
}

export interface SegmentStill {
  kind: 'black' | 'freeze';
  start_s: number;
  end_s: number;
  image: string;
  /** The pass's samples just before the segment starts and just after it ends, when there are any. */
  before?: string;
  after?: string;
}

/** Stills per segment kind are capped: a clip with fifty black flashes needs a few pictures, not fifty. */
export const MAX_STILLS_PER_KIND = 6;
const STILL_WIDTH = 240;

export type AvStillsRequest = 'black' | 'freeze';

/** A still in each (of the first few) black and freeze segments the pass found. */
export const avStills: Analysis<SegmentStill[], AvStillsRequest> = {
  id: 'av.stills',
  async compute(ctx, requests) {
    const { details } = await ctx.get(avProbe);
    const pass = await ctx.get(avPass);
    const wanted = new Set(requests);
    const picks: Array<Omit<SegmentStill, 'image'>> = [];
    for (const kind of ['black', 'freeze'] as const) {
      if (!wanted.has(kind)) continue;
      for (const seg of (pass[kind] ?? []).slice(0, MAX_STILLS_PER_KIND)) picks.push({ kind, ...seg });
    }
    const fromSamples = picks.map((p) => sampleInside(pass.samples ?? [], p));
    const missing = picks.filter((_, i) => !fromSamples[i]);
    const sought = await seekFrames(ctx, details, missing.map((p) => p.start_s + durationOf(p) / 2), STILL_WIDTH, true);
    let next = 0;
    return Promise.all(
      picks.map(async (p, i) => {
        const sample = fromSamples[i];
        const jpeg = sample ? await resized(await readFile(sample.file), STILL_WIDTH) : sought[next++]!;
        // A black still alone says little; the frames either side show where in the edit it is.
        const samples = pass.samples ?? [];
        const before = samples.filter((s) => s.t < p.start_s).at(-1);
        const after = samples.find((s) => s.t >= p.end_s);
        return {
          ...p,
          image: dataUri(jpeg),
          ...(before ? { before: dataUri(await resized(await readFile(before.file), STILL_WIDTH)) } : {}),
          ...(after ? { after: dataUri(await resized(await readFile(after.file), STILL_WIDTH)) } : {}),
        };
      }),
    );
  },
};

const STRIP_FRAMES = 6;
const STRIP_WIDTH = 160;

/** Six frames evenly across the clip, side by side: the report's at-a-glance view of a video. */
export const avStrip: Analysis<{ image: string; times_s: number[] } | undefined> = {
  id: 'av.strip',
  async compute(ctx) {
    const pass = await ctx.get(avPass);
    const samples = pass.samples ?? [];
    if (samples.length === 0) return undefined;
    const picked = Array.from({ length: Math.min(STRIP_FRAMES, samples.length) }, (_, i) => samples[Math.floor(((i + 0.5) / Math.min(STRIP_FRAMES, samples.length)) * samples.length)]!);
    const sharp = await loadSharp();
    const tiles = await Promise.all(picked.map(async (s) => sharp(await readFile(s.file)).resize({ width: STRIP_WIDTH }).toBuffer({ resolveWithObject: true })));
    const height = Math.max(...tiles.map((t) => t.info.height));
    const strip = await sharp({ create: { width: STRIP_WIDTH * tiles.length, height, channels: 3, background: '#000' } })
      .composite(tiles.map((t, i) => ({ input: t.data, left: i * STRIP_WIDTH, top: 0 })))
      .jpeg({ quality: 75 })
      .toBuffer();
    return { image: dataUri(strip), times_s: picked.map((s) => s.t) };
  },
};

/** Mean brightness (0–255) of a JPEG: a (nearly) black frame says nothing about the ad. */
async function brightness(jpeg: Buffer): Promise<number> {
  const stats = await (await loadSharp())(jpeg).stats();
  return stats.channels.slice(0, 3).reduce((sum, c) => sum + c.mean, 0) / 3;
}

/**
 * The report thumbnail: the pass's sample nearest a third of the way in that is not nearly
 * black; without samples, the keyframe near a third of the way in.
 */
export const avThumbnail: Analysis<Buffer | undefined> = {
  id: 'av.thumbnail',
  async compute(ctx) {
    const { details } = await ctx.get(avProbe);
    if (!details.video || details.duration_s <= 0) return undefined;
    const pass = await ctx.get(avPass);
    const target = details.duration_s / 3;
    const byCloseness = [...(pass.samples ?? [])].sort((a, b) => Math.abs(a.t - target) - Math.abs(b.t - target));
    for (const s of byCloseness.slice(0, 12)) {
      const jpeg = await readFile(s.file);
      if ((await brightness(jpeg)) > 24) return jpeg;
    }
    if (byCloseness[0]) return readFile(byCloseness[0].file);
    const [frame] = await seekFrames(ctx, details, [target], 480, false);
    return frame;
  },
};
