/**
 * Assembling the pass's filtergraphs from branches (pure). Each measurement contributes
 * branches — a filter chain on one copy of a stream — and this file wires them: the decoded
 * picture is `split` once, the branches that only need a reduced picture share one downscale
 * (`small`), the sound is `asplit`. A copy consumed by one branch is a plain link, no split.
 * Every branch ends in the null muxer unless it brings its own output (the JPEG samples).
 */
import type { AvDetails } from './probe.js';

/** Where a branch takes its frames from. */
export type BranchSource =
  /** The decoded sound. */
  | 'sound'
  /** The decoded picture at full size (use sparingly: every filter here runs on every full frame). */
  | 'picture'
  /** The picture reduced to DETECT_WIDTH (display aspect, cheapest scaler), shared by every detector and the samples. */
  | 'small';

export interface PassBranch {
  from: BranchSource;
  /** A filter chain, comma-separated, without link labels. */
  filters: string;
  /** Options of this branch's own output (after `-map`); without them it goes to the null muxer. */
  output?: string[];
}

/** One ffmpeg run of the pass: the picture's (`video`) or the sound's (`audio`), never both. */
export interface PassRun {
  stream: 'audio' | 'video';
  filtergraph: string;
  /** Graph outputs that go to the null muxer (measurement only). */
  outputs: string[];
  /** Graph outputs with an output of their own. */
  ownOutputs: Array<{ label: string; args: string[] }>;
}

/**
 * Detectors (black, freeze, …) and the picture samples share one copy this wide: decoding
 * dominates, and mean levels and frame differences survive the reduction. A source at most
 * this wide is not resampled at all. Tried and not taken: 240 px. On a 1080p held shot it
 * finds the freeze on the same frames as 480 px and full size, but it would resample the
 * 320 px segments fixture, and any fast_bilinear resample of that clip (down to 240 or up to
 * 480) puts its freeze start 3 frames late (x264 keeps refining the held picture for a few
 * frames); the gain was about 0.15 CPU-s per 30 s of 1080p, within the bench's noise.
 */
export const DETECT_WIDTH = 480;

/** The size of a reduced copy `width` wide at the picture's display aspect (SAR and rotation applied); even sides. */
export function reducedSize(details: AvDetails, width: number): { width: number; height: number } {
  const v = details.video!;
  const w = Math.max(2, Math.min(width, v.display_width) & ~1);
  return { width: w, height: Math.max(2, Math.round(w / (v.display_aspect_ratio || 16 / 9) / 2) * 2) };
}

/**
 * A downscale to `width` (display aspect) with the cheapest scaler: for measuring, not for
 * looking at. Where the picture is at least twice as tall as the copy, `field=top` first
 * halves it, as often as it stays at least that tall: a zero-copy view of every other line
 * (stride arithmetic), so the scaler reads a quarter of a 1080p frame's lines. The scaler's
 * vertical filter would have weighed most of those lines little anyway; black levels, frame
 * differences and the samples' look are unchanged to the eye, and libswscale's share of the
 * pass falls from ~520 to ~370 CPU-ms per 30 s of 1080p (perf record).
 */
export function scaleTo(details: AvDetails, width: number): string {
  const { width: w, height: h } = reducedSize(details, width);
  const v = details.video!;
  // ffmpeg turns the picture upright before the graph: a sideways phone video arrives `width` tall.
  let lines = v.rotation === 90 || v.rotation === 270 ? v.width : v.height;
  let fields = '';
  while (Math.ceil(lines / 2) >= h) {
    fields += 'field=top,';
    lines = Math.ceil(lines / 2);
  }
  return `${fields}scale=${w}:${h}:flags=fast_bilinear,setsar=1`;
}

/** `count` labels `name0…` fed from `input`: a plain link for one, a (a)split for more. */
function fanOut(chains: string[], input: string, name: string, count: number, audio: boolean): string[] {
  if (count === 1) return [input];
  const labels = Array.from({ length: count }, (_, i) => `[${name}${i}]`);
  chains.push(`${input}${audio ? 'asplit' : 'split'}=${count}${labels.join('')}`);
  return labels;
}

/** Pure: the branches of one stream → its run, or undefined when it has none. */
export function assembleRun(stream: 'audio' | 'video', branches: readonly PassBranch[], details: AvDetails): PassRun | undefined {
  if (branches.length === 0) return undefined;
  const chains: string[] = [];
  const inputs: string[] = [];
  if (stream === 'audio') {
    inputs.push(...fanOut(chains, `[0:${details.audio!.index}]`, 'ain', branches.length, true));
  } else {
    const full = branches.filter((b) => b.from === 'picture').length;
    const small = branches.length - full;
    const copies = fanOut(chains, `[0:${details.video!.index}]`, 'pic', full + (small > 0 ? 1 : 0), false);
    let smallInputs: string[] = [];
    if (small > 0) {
      const tap = copies.pop()!;
      chains.push(`${tap}${scaleTo(details, DETECT_WIDTH)}[small]`);
      smallInputs = fanOut(chains, '[small]', 'sm', small, false);
    }
    for (const b of branches) inputs.push(b.from === 'picture' ? copies.shift()! : smallInputs.shift()!);
  }
  const prefix = stream === 'audio' ? 'a' : 'v';
  const outputs: string[] = [];
  const ownOutputs: PassRun['ownOutputs'] = [];
  branches.forEach((b, i) => {
    const label = `${prefix}${i}`;
    chains.push(`${inputs[i]}${b.filters}[${label}]`);
    if (b.output) ownOutputs.push({ label, args: b.output });
    else outputs.push(label);
  });
  return { stream, filtergraph: chains.join(';'), outputs, ownOutputs };
}
