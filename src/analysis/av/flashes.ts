/**
 * Photosensitive-epilepsy risk (ITU-R BT.1702, Ofcom Guidance Note on flashing images, the
 * same thresholds as WCAG 2's "general flash and red flash thresholds"): a flash is a pair of
 * opposing luminance transitions of 20 cd/m² or more, the darker state below 160 cd/m²; on
 * the 200 cd/m² display the guidance assumes that is a change of 0.1 in relative luminance
 * with the darker state under 0.8. A red flash is a pair of opposing transitions of a
 * saturated red (R/(R+G+B) ≥ 0.8) whose (R−G−B)×320 changes by more than 20. Either is a
 * hazard when more than three occur in any one second over 25 % or more of the screen.
 *
 * Input: the pass's tiny copy of the picture (GRID_W × GRID_H RGB blocks, each an equal share
 * of the screen, area-averaged by the scaler) one frame at a time. A frame's change counts
 * when the blocks moving the same way (by more than a noise floor) cover at least the area
 * limit; consecutive changes in one direction accumulate (a flash can ramp over a few frames)
 * and make a transition once they reach the threshold, as EA's IRIS and PEAT count them.
 * Pure: no I/O.
 */
import { round3, type Segment } from './segments.js';

export const GRID_W = 16;
export const GRID_H = 9;
export const BLOCKS = GRID_W * GRID_H;
export const FRAME_BYTES = BLOCKS * 3;

/** 20 cd/m² on a 200 cd/m² display. */
export const LUMA_DELTA = 0.1;
/** The darker state must be below 160 cd/m² (0.8 of 200) for a general flash. */
export const DARK_MAX = 0.8;
/** WCAG 2's red flash: a change of more than 20 in (R−G−B)×320 of a saturated red. */
export const RED_DELTA = 20;
const RED_SATURATION = 0.8;
/** A block's change smaller than this (a tenth of the threshold) is noise, not part of a flash. */
const NOISE_FRACTION = 0.1;

/** sRGB/BT.709 8-bit code → linear light (0..1). */
const LINEAR = Float64Array.from({ length: 256 }, (_, i) => {
  const c = i / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

export interface FlashParams {
  /** Flashes allowed in any one second: more is a hazard (3 in BT.1702/Ofcom). */
  max_flashes_per_s: number;
  /** Share of the screen a flash must cover to count (0.25). */
  min_area: number;
}

export interface Transition {
  t: number;
  kind: 'general' | 'red';
  /** Share of the screen that changed. */
  area: number;
}

export interface FlashSegment extends Segment {
  kind: 'general' | 'red';
  /** The most flashes (transitions / 2) in any one second inside the segment. */
  peak_flashes_per_s: number;
}

export interface FlashResult {
  frames: number;
  transitions: Transition[];
  segments: FlashSegment[];
  peak_flashes_per_s: { general: number; red: number };
  /** Flashes in the second before each point, every 0.25 s (both kinds, the higher). */
  rate: Array<[number, number]>;
}

interface Tracker {
  sign: number;
  acc: number;
  counted: boolean;
  startLevel: number;
}

/** Per frame: relative luminance and red value of each block. */
function measures(frame: Uint8Array): { luma: Float64Array; red: Float64Array } {
  const luma = new Float64Array(BLOCKS);
  const red = new Float64Array(BLOCKS);
  for (let b = 0; b < BLOCKS; b++) {
    const r = LINEAR[frame[b * 3]!]!;
    const g = LINEAR[frame[b * 3 + 1]!]!;
    const bl = LINEAR[frame[b * 3 + 2]!]!;
    luma[b] = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    const sum = r + g + bl;
    red[b] = sum > 0 && r / sum >= RED_SATURATION ? Math.max(0, r - g - bl) * 320 : 0;
  }
  return { luma, red };
}

/**
 * The frame's change in one measure: the mean change over the blocks moving the dominant way,
 * when those cover at least `minArea`; else 0. `level` is their mean before and after.
 */
function frameChange(prev: Float64Array, cur: Float64Array, noise: number, minArea: number): { delta: number; area: number; before: number; after: number } {
  let up = 0;
  let down = 0;
  let upSum = 0;
  let downSum = 0;
  for (let b = 0; b < BLOCKS; b++) {
    const d = cur[b]! - prev[b]!;
    if (d > noise) {
      up++;
      upSum += d;
    } else if (d < -noise) {
      down++;
      downSum += d;
    }
  }
  const rising = up >= down;
  const n = rising ? up : down;
  if (n / BLOCKS < minArea - 1e-9) return { delta: 0, area: 0, before: 0, after: 0 };
  let before = 0;
  let after = 0;
  for (let b = 0; b < BLOCKS; b++) {
    const d = cur[b]! - prev[b]!;
    if (rising ? d > noise : d < -noise) {
      before += prev[b]!;
      after += cur[b]!;
    }
  }
  return { delta: (rising ? upSum : downSum) / n, area: n / BLOCKS, before: before / n, after: after / n };
}

/** Accumulates same-direction changes; returns true when they make a transition (once per run). */
function track(tr: Tracker, change: ReturnType<typeof frameChange>, threshold: number, darkMax: number | undefined): boolean {
  if (change.delta === 0) return false;
  const sign = Math.sign(change.delta);
  if (sign !== tr.sign) {
    tr.sign = sign;
    tr.acc = 0;
    tr.counted = false;
    tr.startLevel = change.before;
  }
  tr.acc += change.delta;
  if (tr.counted || Math.abs(tr.acc) < threshold) return false;
  if (darkMax !== undefined && Math.min(tr.startLevel, change.after) >= darkMax) return false;
  tr.counted = true;
  return true;
}

/** Pure: frames (RGB blocks) and their times → transitions. */
export function findTransitions(frames: readonly Uint8Array[], times: readonly number[], minArea: number): Transition[] {
  const out: Transition[] = [];
  const luma: Tracker = { sign: 0, acc: 0, counted: false, startLevel: 0 };
  const red: Tracker = { sign: 0, acc: 0, counted: false, startLevel: 0 };
  let prev: ReturnType<typeof measures> | undefined;
  frames.forEach((frame, i) => {
    const cur = measures(frame);
    if (prev) {
      const t = times[i] ?? 0;
      const l = frameChange(prev.luma, cur.luma, LUMA_DELTA * NOISE_FRACTION, minArea);
      if (track(luma, l, LUMA_DELTA, DARK_MAX)) out.push({ t, kind: 'general', area: round3(l.area) });
      const r = frameChange(prev.red, cur.red, RED_DELTA * NOISE_FRACTION, minArea);
      if (track(red, r, RED_DELTA, undefined)) out.push({ t, kind: 'red', area: round3(r.area) });
    }
    prev = cur;
  });
  return out;
}

/** How many of the sorted `times` are ≤ `t` (binary search: a long flashing film has tens of thousands). */
function countUpTo(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Transitions in the one second ending at `t` (inclusive), of one kind; `times` sorted. */
function countBefore(times: readonly number[], t: number): number {
  return countUpTo(times, t + 1e-6) - countUpTo(times, t - 1 + 1e-6);
}

/** Pure: transitions → hazardous segments (more than `max_flashes_per_s` flashes in a second). */
export function flashSegments(transitions: readonly Transition[], params: FlashParams): FlashSegment[] {
  const segments: FlashSegment[] = [];
  const limit = 2 * params.max_flashes_per_s;
  for (const kind of ['general', 'red'] as const) {
    const times = transitions.filter((x) => x.kind === kind).map((x) => x.t);
    let open: FlashSegment | undefined;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      const n = countBefore(times, t);
      if (n <= limit) continue;
      const start = times[i - n + 1]!;
      if (open && start <= open.end_s + 1e-6) {
        open.end_s = round3(t);
        open.peak_flashes_per_s = Math.max(open.peak_flashes_per_s, n / 2);
      } else {
        if (open) segments.push(open);
        open = { start_s: round3(start), end_s: round3(t), kind, peak_flashes_per_s: n / 2 };
      }
    }
    if (open) segments.push(open);
  }
  return segments.sort((a, b) => a.start_s - b.start_s);
}

/** Pure: the whole judgement from the pass's frames. */
export function analyseFlashes(frames: readonly Uint8Array[], times: readonly number[], params: FlashParams, duration_s: number): FlashResult {
  const transitions = findTransitions(frames, times, params.min_area);
  const peak = (kind: Transition['kind']) => {
    const ts = transitions.filter((x) => x.kind === kind).map((x) => x.t);
    return ts.reduce((m, t) => Math.max(m, countBefore(ts, t) / 2), 0);
  };
  const rate: Array<[number, number]> = [];
  const general = transitions.filter((x) => x.kind === 'general').map((x) => x.t);
  const red = transitions.filter((x) => x.kind === 'red').map((x) => x.t);
  const step = Math.max(0.25, Math.ceil((duration_s / 600) * 4) / 4);
  for (let t = 0; t <= duration_s + 1e-9; t += step) rate.push([round3(t), Math.max(countBefore(general, t), countBefore(red, t)) / 2]);
  return { frames: frames.length, transitions, segments: flashSegments(transitions, params), peak_flashes_per_s: { general: peak('general'), red: peak('red') }, rate };
}

/** Pure: the raw RGB file the pass wrote → frames (a trailing partial frame is dropped). */
export function splitFrames(raw: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let o = 0; o + FRAME_BYTES <= raw.length; o += FRAME_BYTES) frames.push(raw.subarray(o, o + FRAME_BYTES));
  return frames;
}
