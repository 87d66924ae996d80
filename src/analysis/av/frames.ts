/**
 * Pictures for the report: stills at black/freeze segments, a strip of frames across the
 * clip, and the thumbnail. Each is a few fast seeks (`-ss` before `-i` jumps to the nearest
 * keyframe), never a decode of the whole file — the one full decode is the pass.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Analysis, AnalysisContext } from '../../qc/types.js';
import { avPass } from './pass.js';
import { avProbe, inputUrl, type AvDetails } from './probe.js';
import { explainFailure } from './reasons.js';
import { durationOf } from './segments.js';
import { runTool } from './tools.js';

function sizeFor(v: NonNullable<AvDetails['video']>, width: number): { w: number; h: number } {
  const w = Math.min(width, v.display_width) & ~1;
  const h = Math.max(2, Math.round(w / (v.display_aspect_ratio || 16 / 9) / 2) * 2);
  return { w, h };
}

/**
 * JPEGs of the frames at `times` (seconds), `width` px wide; with `stack`, one image of
 * them side by side. ffmpeg turns phone video upright on decode, and the explicit size
 * applies the display aspect ratio.
 */
export async function renderFrames(ctx: AnalysisContext, details: AvDetails, times: readonly number[], width: number, stack = false): Promise<Buffer[]> {
  const v = details.video;
  if (!v || times.length === 0) return [];
  const { w, h } = sizeFor(v, width);
  const last = Math.max(0, details.duration_s - 1 / Math.max(1, v.frame_rate));
  const batch = `frames-${randomUUID().slice(0, 8)}`;
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y'];
  for (const t of times) args.push('-ss', Math.min(Math.max(0, t), last).toFixed(3), '-i', inputUrl(ctx.asset.path));
  const files: string[] = [];
  const scaled = times.map((_, i) => `[${i}:${v.index}]scale=${w}:${h},setsar=1[s${i}]`);
  if (stack && times.length > 1) {
    const file = join(ctx.env.tmpDir, `${batch}-strip.jpg`);
    files.push(file);
    const graph = `${scaled.join(';')};${times.map((_, i) => `[s${i}]`).join('')}hstack=inputs=${times.length}[out]`;
    args.push('-filter_complex', graph, '-map', '[out]', '-frames:v', '1', '-q:v', '5', file);
  } else {
    args.push('-filter_complex', scaled.join(';'));
    times.forEach((_, i) => {
      const file = join(ctx.env.tmpDir, `${batch}-${i}.jpg`);
      files.push(file);
      args.push('-map', `[s${i}]`, '-frames:v', '1', '-q:v', '5', file);
    });
  }
  const run = await runTool('ffmpeg', ctx.env.ffmpegPath, args, { signal: ctx.signal, timeoutMs: ctx.env.checkTimeoutMs });
  if (run.code !== 0) throw new Error(`frames could not be extracted: ${explainFailure(run.stderr)}`);
  return Promise.all(files.map((f) => readFile(f)));
}

export const dataUri = (jpeg: Buffer) => `data:image/jpeg;base64,${jpeg.toString('base64')}`;

export interface SegmentStill {
  kind: 'black' | 'freeze';
  start_s: number;
  end_s: number;
  image: string;
}

/** Stills per segment kind are capped: a clip with fifty black flashes needs a few pictures, not fifty. */
export const MAX_STILLS_PER_KIND = 6;
const STILL_WIDTH = 240;

export type AvStillsRequest = 'black' | 'freeze';

/** A still in the middle of each (of the first few) black and freeze segments the pass found. */
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
    const images = await renderFrames(ctx, details, picks.map((p) => p.start_s + durationOf(p) / 2), STILL_WIDTH);
    return picks.map((p, i) => ({ ...p, image: dataUri(images[i]!) }));
  },
};

const STRIP_FRAMES = 6;

/** Six frames evenly across the clip, side by side: the report's at-a-glance view of a video. */
export const avStrip: Analysis<{ image: string; times_s: number[] } | undefined> = {
  id: 'av.strip',
  async compute(ctx) {
    const { details } = await ctx.get(avProbe);
    if (!details.video || details.duration_s <= 0) return undefined;
    const times = Array.from({ length: STRIP_FRAMES }, (_, i) => Math.round(((i + 0.5) / STRIP_FRAMES) * details.duration_s * 1000) / 1000);
    const [strip] = await renderFrames(ctx, details, times, 160, true);
    return strip ? { image: dataUri(strip), times_s: times } : undefined;
  },
};

/**
 * The report thumbnail: the first of a few candidate moments whose frame is not (nearly)
 * black — a fade-in at 0 s or a black slate says nothing about the ad.
 */
export const avThumbnail: Analysis<Buffer | undefined> = {
  id: 'av.thumbnail',
  async compute(ctx) {
    const { details } = await ctx.get(avProbe);
    if (!details.video || details.duration_s <= 0) return undefined;
    const candidates = [1 / 3, 1 / 2, 2 / 3, 0.1].map((f) => f * details.duration_s);
    const frames = await renderFrames(ctx, details, candidates, 480);
    let best: { frame: Buffer; mean: number } | undefined;
    for (const frame of frames) {
      const stats = await sharp(frame).stats();
      const mean = stats.channels.slice(0, 3).reduce((sum, c) => sum + c.mean, 0) / 3;
      if (mean > 24) return frame;
      if (!best || mean > best.mean) best = { frame, mean };
    }
    return best?.frame;
  },
};
