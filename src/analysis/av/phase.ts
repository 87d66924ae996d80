/**
 * Mono compatibility from aphasemeter's per-block phase (depth.ts): stretches where the two
 * channels are out of phase (phase under a threshold) for long enough to cancel in a mono
 * downmix — a phone speaker, a mono TV, a smart speaker. Pure.
 */
import { round3, type Segment } from './segments.js';

export interface PhaseSummary {
  /** Mean phase over the whole sound (+1 identical, 0 unrelated, −1 inverted). */
  mean: number;
  /** Share of the time with a negative phase. */
  negative_share: number;
  segments: Segment[];
}

/** Pure: [time, phase] blocks (100 ms) → out-of-phase stretches of at least `min_duration_s`. */
export function outOfPhase(blocks: ReadonlyArray<readonly [number, number]>, threshold: number, min_duration_s: number): PhaseSummary {
  if (blocks.length === 0) return { mean: 1, negative_share: 0, segments: [] };
  const step = blocks.length > 1 ? (blocks.at(-1)![0] - blocks[0]![0]) / (blocks.length - 1) : 0.1;
  const segments: Segment[] = [];
  let open: Segment | undefined;
  let gap = 0;
  for (const [t, v] of blocks) {
    if (v < threshold) {
      if (open) open.end_s = t + step;
      else open = { start_s: t, end_s: t + step };
      gap = 0;
    } else if (open && ++gap > 1) {
      // One block back in phase (a transient) does not end a stretch; two do.
      segments.push(open);
      open = undefined;
    }
  }
  if (open) segments.push(open);
  const sum = blocks.reduce((n, [, v]) => n + v, 0);
  return {
    mean: round3(sum / blocks.length),
    negative_share: round3(blocks.filter(([, v]) => v < 0).length / blocks.length),
    segments: segments.filter((s) => s.end_s - s.start_s >= min_duration_s - 1e-6).map((s) => ({ start_s: round3(s.start_s), end_s: round3(s.end_s) })),
  };
}
