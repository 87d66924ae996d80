/**
 * Scene keyframes of a video, for OCR and for the AI storyboard. The av family's single
 * decode pass already samples small pictures evenly through the clip; consecutive samples
 * that differ a lot mark a scene change. The middle of each scene (the last scene — the end
 * card, where legal lines live — always included) is then seeked at full width, because the
 * 480 px samples are too small to read small print.
 */
import { readFile } from 'node:fs/promises';
import { loadSharp } from '../sharp.js';
import { avPass, avProbe } from '../av/index.js';
import { seekFrames } from '../av/frames.js';
import type { Analysis } from '../../qc/types.js';
import { requestOf, type AnalysisRequest } from '../../qc/types.js';

export interface Keyframe {
  image: Buffer;
  time_s: number;
}

/** At most this many keyframes: OCR costs about half a second each. */
export const MAX_KEYFRAMES = 8;
/** Mean absolute difference (0..255) of 32×18 grey thumbnails above which a new scene starts. */
const SCENE_CHANGE = 28;
/** Width of the keyframes read: enough for small print on a 1080p frame. */
const KEYFRAME_WIDTH = 1920;

/** What a check on video must request so the av pass samples pictures. */
export const keyframeRequests: AnalysisRequest[] = [requestOf(avPass, { measure: 'frames' })];

/** Scene boundaries from sample fingerprints: indices where a new scene starts (0 included). */
export function sceneStarts(fingerprints: readonly Uint8Array[], threshold = SCENE_CHANGE): number[] {
  const starts = fingerprints.length > 0 ? [0] : [];
  for (let i = 1; i < fingerprints.length; i++) {
    const a = fingerprints[i - 1]!;
    const b = fingerprints[i]!;
    let sum = 0;
    for (let k = 0; k < a.length; k++) sum += Math.abs(a[k]! - b[k]!);
    if (sum / a.length > threshold) starts.push(i);
  }
  return starts;
}

/** The sample index in the middle of each scene, at most `max`, always keeping the last scene. */
export function pickKeyframes(starts: readonly number[], count: number, max = MAX_KEYFRAMES): number[] {
  const scenes = starts.map((s, i) => ({ from: s, to: (starts[i + 1] ?? count) - 1 }));
  let chosen = scenes;
  if (scenes.length > max) {
    const step = (scenes.length - 1) / (max - 1);
    chosen = Array.from({ length: max }, (_, i) => scenes[Math.round(i * step)]!);
  }
  return chosen.map((s) => Math.floor((s.from + s.to) / 2));
}

export const videoKeyframes: Analysis<Keyframe[]> = {
  id: 'text.video-keyframes',
  async compute(ctx) {
    const { details } = await ctx.get(avProbe);
    if (!details.video) return [];
    const samples = (await ctx.get(avPass)).samples ?? [];
    if (samples.length === 0) return [];
    const sharp = await loadSharp();
    const prints = await Promise.all(
      samples.map(async (s) => new Uint8Array((await sharp(await readFile(s.file)).resize(32, 18, { fit: 'fill' }).greyscale().raw().toBuffer()).buffer)),
    );
    const times = pickKeyframes(sceneStarts(prints), samples.length).map((i) => samples[i]!.t);
    const frames = await seekFrames(ctx, details, times, KEYFRAME_WIDTH, true);
    return frames.map((image, i) => ({ image, time_s: times[i]! }));
  },
};
