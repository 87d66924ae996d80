/**
 * Measurements of issue 17 that ride along in the single decode pass (`pass.ts`'s
 * `depthContributor` calls `planDepth` and `readDepth`; nothing here starts a process):
 *  - `flashes`: a branch off the picture run's reduced copy, scaled to a GRID_W × GRID_H RGB
 *    grid (area-averaged) and written as raw video to a scratch file, one frame per decoded
 *    frame, with each frame's time from `metadata=print`;
 *  - `crop`: `cropdetect` on the reduced copy, never reset, so its last values are the union
 *    of every frame's non-black area (the active picture); printed a few times a second;
 *  - `phase`: in the sound's run, the first two channels through `aphasemeter` in 100 ms frames
 *    (its per-frame phase: the mean of 2LR/(L²+R²), +1 in phase, −1 inverted, 0 unrelated).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FRAME_BYTES, GRID_H, GRID_W } from './flashes.js';
import type { AvDetails } from './probe.js';
import { round3 } from './segments.js';

export type DepthRequest = { measure: 'flashes' } | { measure: 'crop' } | { measure: 'phase' };

/** A branch of a run's graph: `chain` takes the branch's input label and ends unlabelled. */
export interface DepthBranch {
  chain: string;
  /** Where the branch's frames go: the null muxer (measurement only) or a raw-video file. */
  output: 'null' | { rawvideo: string };
}

export interface DepthPlan {
  video: DepthBranch[];
  audio: DepthBranch[];
  files: { flashTimes?: string; flashRaw?: string; crop?: string; phase?: string };
}

export interface CropResult {
  /** The union of every frame's non-black area, in pixels of the analysed copy. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The analysed copy's size (display aspect). */
  width: number;
  height: number;
}

export interface DepthResult {
  /** Raw GRID_W × GRID_H RGB frames and their times, for `analyseFlashes`. */
  flashes?: { raw: Uint8Array; times: number[]; grid: [number, number] };
  /** Undefined values when no frame had any picture (black throughout). */
  crop?: CropResult | { black: true; width: number; height: number };
  /** Per 100 ms block: [time, phase]. */
  phase?: Array<[number, number]>;
}

/** Branches printed this many times a second (cropdetect's running union: the last one counts). */
const CROP_PRINTS_PER_S = 4;

/** Pure: the depth requests → branches for the picture's and the sound's runs. */
export function planDepth(requests: readonly { measure: string }[], details: AvDetails, dir: string, esc: (value: string) => string): DepthPlan {
  const plan: DepthPlan = { video: [], audio: [], files: {} };
  const wants = (m: DepthRequest['measure']) => requests.some((r) => r.measure === m);
  if (details.video && wants('flashes')) {
    plan.files.flashTimes = join(dir, 'flash-times.txt');
    plan.files.flashRaw = join(dir, 'flash.rgb');
    plan.video.push({
      chain: `scale=${GRID_W}:${GRID_H}:flags=area,format=rgb24,metadata=mode=add:key=aiqc.flash:value=1,metadata=mode=print:file=${esc(plan.files.flashTimes)}`,
      output: { rawvideo: plan.files.flashRaw },
    });
  }
  if (details.video && wants('crop')) {
    plan.files.crop = join(dir, 'crop.txt');
    const every = Math.max(1, Math.round((details.video.frame_rate || 25) / CROP_PRINTS_PER_S));
    plan.video.push({ chain: `cropdetect=round=2:reset=0:skip=0,select=not(mod(n\\,${every})),metadata=mode=print:file=${esc(plan.files.crop)}`, output: 'null' });
  }
  if (details.audio && details.audio.channels >= 2 && wants('phase')) {
    plan.files.phase = join(dir, 'phase.txt');
    const pick = details.audio.channels > 2 ? 'pan=stereo|c0=c0|c1=c1,' : 'aformat=channel_layouts=stereo,';
    const block = Math.max(1, Math.round((details.audio.sample_rate || 48000) / 10));
    plan.audio.push({ chain: `${pick}asetnsamples=n=${block}:p=0,aphasemeter=video=0,ametadata=mode=print:file=${esc(plan.files.phase)}`, output: 'null' });
  }
  return plan;
}

/** The output options (after `-map`) of a branch that writes its frames to a raw-video file. */
export function rawVideoOutput(file: string): string[] {
  return ['-fps_mode', 'passthrough', '-c:v', 'rawvideo', '-f', 'rawvideo', file];
}

interface Frame {
  pts_time: number;
  values: Record<string, string>;
}

/** Pure: cropdetect's last printed frame → the active area (or "black throughout"). */
export function cropFromFrames(frames: readonly Frame[], width: number, height: number): NonNullable<DepthResult['crop']> | undefined {
  const last = frames.at(-1);
  if (!last) return undefined;
  const n = (k: string) => Number(last.values[`lavfi.cropdetect.${k}`]);
  const x1 = n('x1');
  const x2 = n('x2');
  const y1 = n('y1');
  const y2 = n('y2');
  if (![x1, x2, y1, y2].every(Number.isFinite) || x2 < x1 || y2 < y1) return { black: true, width, height };
  return { x: x1, y: y1, w: x2 - x1 + 1, h: y2 - y1 + 1, width, height };
}

/** Pure: aphasemeter's frames → [time, phase] per block. */
export function phaseFromFrames(frames: readonly Frame[]): Array<[number, number]> {
  return frames.flatMap((f) => {
    const v = Number(f.values['lavfi.aphasemeter.phase']);
    return Number.isFinite(v) ? [[round3(f.pts_time), round3(v)] as [number, number]] : [];
  });
}

/** After the runs: read what the branches wrote. `parse` is pass.ts's metadata reader; `size` the analysed copy. */
export async function readDepth(plan: DepthPlan, parse: (text: string) => Frame[], size: { width: number; height: number }): Promise<DepthResult> {
  const read = async (file: string) => parse(await readFile(file, 'utf8').catch(() => ''));
  const out: DepthResult = {};
  if (plan.files.flashRaw && plan.files.flashTimes) {
    const raw = new Uint8Array(await readFile(plan.files.flashRaw).catch(() => Buffer.alloc(0)));
    const times = (await read(plan.files.flashTimes)).map((f) => f.pts_time);
    const frames = Math.min(times.length, Math.floor(raw.length / FRAME_BYTES));
    out.flashes = { raw: raw.subarray(0, frames * FRAME_BYTES), times: times.slice(0, frames), grid: [GRID_W, GRID_H] };
  }
  if (plan.files.crop) {
    const crop = cropFromFrames(await read(plan.files.crop), size.width, size.height);
    if (crop) out.crop = crop;
  }
  if (plan.files.phase) out.phase = phaseFromFrames(await read(plan.files.phase));
  return out;
}
