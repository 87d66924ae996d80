/** The flash counting itself (pure), on synthetic 16×9 grids: the limits of BT.1702 / Ofcom exactly. */
import { describe, expect, it } from 'vitest';
import { analyseFlashes, BLOCKS, FRAME_BYTES, findTransitions, flashSegments } from '../../../src/analysis/av/flashes.js';

const FPS = 30;
const PARAMS = { max_flashes_per_s: 3, min_area: 0.25 };

/** `n` frames; block b of frame i is `colour(i, b)` (sRGB 8-bit RGB). */
function frames(n: number, colour: (i: number, b: number) => [number, number, number]): { frames: Uint8Array[]; times: number[] } {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const f = new Uint8Array(FRAME_BYTES);
    for (let b = 0; b < BLOCKS; b++) f.set(colour(i, b), b * 3);
    out.push(f);
  }
  return { frames: out, times: out.map((_, i) => i / FPS) };
}

/** Square wave: `half` frames of A then `half` of B, over the first `blocks` blocks; the rest grey. */
const square = (half: number, blocks = BLOCKS, a: [number, number, number] = [255, 255, 255], b: [number, number, number] = [0, 0, 0]) =>
  frames(4 * FPS, (i, k) => (k < blocks ? (Math.floor(i / half) % 2 === 0 ? a : b) : [128, 128, 128]));

describe('flash counting', () => {
  it('3 Hz full screen is exactly the limit (6 transitions a second): passes; 5 Hz fails', () => {
    const three = square(5);
    const r3 = analyseFlashes(three.frames, three.times, PARAMS, 4);
    expect(r3.peak_flashes_per_s.general).toBe(3);
    expect(r3.segments).toEqual([]);
    const five = square(3);
    const r5 = analyseFlashes(five.frames, five.times, PARAMS, 4);
    expect(r5.peak_flashes_per_s.general).toBe(5);
    expect(r5.segments).toHaveLength(1);
    expect(r5.segments[0]).toMatchObject({ kind: 'general', peak_flashes_per_s: 5 });
  });
  it('area: 36 of 144 blocks (25 %) counts, 35 does not', () => {
    const at = square(3, 36);
    expect(analyseFlashes(at.frames, at.times, PARAMS, 4).segments).toHaveLength(1);
    const under = square(3, 35);
    expect(analyseFlashes(under.frames, under.times, PARAMS, 4).transitions).toEqual([]);
  });
  it('no flash when the darker state is at or above 160 cd/m² (0.8 relative luminance)', () => {
    // sRGB 235 is about 0.83 relative luminance, 255 is 1.0: a big change, but both bright.
    const bright = square(3, BLOCKS, [255, 255, 255], [235, 235, 235]);
    expect(findTransitions(bright.frames, bright.times, 0.25)).toEqual([]);
    // sRGB 200 (0.58) to 255: counted.
    const mid = square(3, BLOCKS, [255, 255, 255], [200, 200, 200]);
    expect(findTransitions(mid.frames, mid.times, 0.25).length).toBeGreaterThan(30);
  });
  it('a change under 20 cd/m² (0.1) is no transition; one ramped over three frames is one', () => {
    // sRGB 60 ≈ 0.045, 90 ≈ 0.10: a change of 0.058.
    const small = square(3, BLOCKS, [90, 90, 90], [60, 60, 60]);
    expect(findTransitions(small.frames, small.times, 0.25)).toEqual([]);
    // Up by 0.12 in three steps of 0.04 (none a transition alone) and back down, period 12 frames.
    const levels = [0.2, 0.24, 0.28, 0.32, 0.32, 0.32, 0.32, 0.28, 0.24, 0.2, 0.2, 0.2].map((y) => Math.round(255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055)));
    const ramp = frames(4 * FPS, (i) => [levels[i % 12]!, levels[i % 12]!, levels[i % 12]!]);
    const t = findTransitions(ramp.frames, ramp.times, 0.25);
    // Two transitions per 12-frame period (one up, one down), each counted once: 10 periods.
    expect(t.length).toBe(20);
    expect(t.every((x) => x.kind === 'general')).toBe(true);
    // The first completes on the third step up (frame 3), not before.
    expect(t[0]!.t).toBeCloseTo(3 / FPS, 6);
  });
  it('red flashes: saturated red against a grey of equal luminance is a red flash, not a general one', () => {
    const red = square(3, BLOCKS, [255, 0, 0], [127, 127, 127]);
    const r = analyseFlashes(red.frames, red.times, PARAMS, 4);
    expect(r.peak_flashes_per_s).toEqual({ general: 0, red: 5 });
    expect(r.segments.map((s) => s.kind)).toEqual(['red']);
  });
  it('the rate curve peaks at the flash rate and stays within the clip', () => {
    const five = square(3);
    const r = analyseFlashes(five.frames, five.times, PARAMS, 4);
    expect(Math.max(...r.rate.map(([, v]) => v))).toBe(5);
    expect(r.rate.at(-1)![0]).toBeLessThanOrEqual(4);
  });
  it('an hour of flashing (36 000 transitions) is one segment, counted in linear-logarithmic time', () => {
    const transitions = Array.from({ length: 36_000 }, (_, i) => ({ t: i / 10, kind: 'general' as const, area: 1 }));
    const t0 = performance.now();
    const segments = flashSegments(transitions, PARAMS);
    expect(segments).toEqual([{ start_s: 0, end_s: 3599.9, kind: 'general', peak_flashes_per_s: 5 }]);
    // Generous: counting each window by scanning every transition is 1.3 billion steps at this size.
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
