/**
 * The single decode pass. Every A/V measurement the profile's checks asked for (loudness
 * and true peak, black, freeze and silence segments, picture samples) is computed from ONE
 * decode of each stream: the picture is decoded by exactly one ffmpeg run (`-an`), and the
 * sound, when a sound measurement is asked, by one audio-only run (`-vn`) beside it, on the
 * other core (ebur128's true-peak oversampling no longer waits on the picture; reading the
 * audio again costs only a demux, the picture's packets are dropped undecoded).
 *
 * Each measurement is a `PassContributor` (`PASS_CONTRIBUTORS`): filter branches on the
 * sound, the full picture or the shared small copy, and a `collect` that reads what they
 * wrote; `graph.ts` wires the branches into the two graphs. Results come back as structured
 * per-frame metadata (`metadata=print:file=…`) that ebur128, blackdetect, freezedetect and
 * silencedetect attach to frames — never from ffmpeg's log, whose ebur128 summary is wrong
 * inside -filter_complex (it prints a bogus one when the graph is first configured).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Analysis } from '../../qc/types.js';
import { avStreams, inputUrl, type AvDetails } from './probe.js';
import { explainFailure } from './reasons.js';
import { planDepth, rawVideoOutput, readDepth, type DepthRequest, type DepthResult } from './depth.js';
import { assembleRun, DETECT_WIDTH, reducedSize, type PassBranch, type PassRun } from './graph.js';
import { round3, subtractSegments, type Segment } from './segments.js';
import { runTool } from './tools.js';

export type AvPassRequest =
  | { measure: 'loudness' }
  | { measure: 'black'; min_duration_s: number }
  | { measure: 'freeze'; min_duration_s: number }
  | { measure: 'silence'; min_duration_s: number; threshold_db: number }
  /** Small JPEG samples of the picture during the pass: stills, strip and thumbnail come from them. */
  | { measure: 'frames' }
  /** Issue 17's measurements (flashes, crop, phase): branches in the same runs, see depth.ts. */
  | DepthRequest;

/** A picture sampled during the pass: `file` (JPEG, DETECT_WIDTH wide) lives in the run's scratch dir. */
export interface FrameSample {
  t: number;
  file: string;
}

export interface LoudnessResult {
  integrated_lufs: number;
  lra_lu: number;
  /** The 10th and 95th percentiles of the gated short-term loudness whose difference is the LRA (EBU Tech 3342). */
  lra_low_lufs?: number;
  lra_high_lufs?: number;
  max_momentary_lufs: number | null;
  max_short_term_lufs: number | null;
  true_peak_dbtp: number;
  /** Per channel; null for a channel that is digital silence throughout. */
  channel_true_peaks_dbtp: Array<number | null>;
  /** Where the loudest true peak is (start of ebur128's 100 ms block; its peak is a running maximum). Null for digital silence. */
  true_peak_at_s: number | null;
  /** Short-term loudness (3 s window) every 100 ms, thinned to at most CURVE_POINTS points. */
  short_term: Array<[number, number]>;
}

export interface SilenceResult {
  threshold_db: number;
  min_duration_s: number;
  segments: Segment[];
}

export interface AvPassResult {
  loudness?: LoudnessResult;
  black?: Segment[];
  /** Freeze segments with black stretches removed: a black hold is black, not a freeze. */
  freeze?: Segment[];
  silence: SilenceResult[];
  /** Evenly spaced pictures (every SAMPLE_INTERVAL-ish seconds), in time order. */
  samples?: FrameSample[];
  /** Issue 17's measurements (depth.ts). */
  depth?: DepthResult;
  /** What the pass ran, for reports and the bench. */
  filtergraph: string;
  ran: boolean;
}

/** About this many picture samples per clip (at least 0.5 s apart): enough for a still inside any segment worth reporting. */
const SAMPLE_COUNT = 120;
const MIN_SAMPLE_INTERVAL_S = 0.5;

export function sampleInterval(duration_s: number): number {
  return Math.max(MIN_SAMPLE_INTERVAL_S, Math.round((duration_s / SAMPLE_COUNT) * 100) / 100);
}
const CURVE_POINTS = 600;
/** ebur128 reports about -120.7 LUFS when a window holds nothing measurable yet. */
const NO_MEASUREMENT = -100;
/** Floor of the plotted curve: the absolute gate of BS.1770; quieter is "silence" to a viewer. */
const CURVE_FLOOR = -70;

/** Escape a value for a filter option inside a filtergraph (two levels, per ffmpeg-filters §"Notes on filtergraph escaping"). */
export function escapeFilterValue(value: string): string {
  const level1 = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return level1.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** What one measurement adds to the pass: its branches, and how it reads what they wrote. */
export interface PassContribution {
  branches: PassBranch[];
  /** After the runs: read the branch's files into the result. `end_s` closes segments still open. */
  collect(result: AvPassResult, end_s: number): Promise<void>;
}

/** Builds a measurement's contribution from all requests, or undefined when none of them is its own. */
export type PassContributor = (requests: readonly AvPassRequest[], details: AvDetails, dir: string) => PassContribution | undefined;

const readFrames = async (file: string) => parseMetadataPrint(await readFile(file, 'utf8').catch(() => ''));
const requestsOf = <M extends AvPassRequest['measure']>(requests: readonly AvPassRequest[], measure: M) => requests.filter((r): r is Extract<AvPassRequest, { measure: M }> => r.measure === measure);

/** ebur128: integrated loudness, LRA, true peak and the short-term curve. */
const loudnessContributor: PassContributor = (requests, details, dir) => {
  if (!details.audio || requestsOf(requests, 'loudness').length === 0) return undefined;
  const file = join(dir, 'loudness.txt');
  return {
    branches: [{ from: 'sound', filters: `ebur128=peak=true:metadata=1,ametadata=mode=print:file=${escapeFilterValue(file)}` }],
    async collect(result) {
      const loudness = loudnessFromFrames(await readFrames(file));
      if (loudness) result.loudness = loudness;
    },
  };
};

/** One silencedetect per threshold, with the shortest duration asked at that threshold. */
const silenceContributor: PassContributor = (requests, details, dir) => {
  const byThreshold = new Map<number, number>();
  for (const r of details.audio ? requestsOf(requests, 'silence') : []) byThreshold.set(r.threshold_db, Math.min(byThreshold.get(r.threshold_db) ?? Infinity, r.min_duration_s));
  if (byThreshold.size === 0) return undefined;
  const files = [...byThreshold].map(([threshold_db, min_duration_s], i) => ({ threshold_db, min_duration_s, file: join(dir, `silence_${i}.txt`) }));
  return {
    branches: files.map((s) => ({ from: 'sound', filters: `silencedetect=noise=${s.threshold_db}dB:duration=${s.min_duration_s},ametadata=mode=print:file=${escapeFilterValue(s.file)}` })),
    async collect(result, end) {
      for (const s of files) {
        const segments = segmentsFromFrames(await readFrames(s.file), 'lavfi.silence_start', 'lavfi.silence_end', end);
        result.silence.push({ threshold_db: s.threshold_db, min_duration_s: s.min_duration_s, segments });
      }
    },
  };
};

/** blackdetect and freezedetect on the small copy; a freeze request needs black too (a black hold is black, not a freeze). */
const blackFreezeContributor: PassContributor = (requests, details, dir) => {
  const freezeReqs = details.video ? requestsOf(requests, 'freeze') : [];
  const blackReqs = details.video ? requestsOf(requests, 'black') : [];
  const freezeMin = freezeReqs.length > 0 ? Math.max(0.1, Math.min(...freezeReqs.map((r) => r.min_duration_s))) : undefined;
  const blackCandidates = [...blackReqs.map((r) => r.min_duration_s), ...(freezeMin !== undefined ? [freezeMin] : [])];
  if (blackCandidates.length === 0) return undefined;
  const blackMin = Math.max(0, Math.min(...blackCandidates));
  const file = join(dir, 'video.txt');
  const freeze = freezeMin !== undefined ? `freezedetect=d=${freezeMin},` : '';
  return {
    branches: [{ from: 'small', filters: `blackdetect=d=${blackMin},${freeze}metadata=mode=print:file=${escapeFilterValue(file)}` }],
    async collect(result, end) {
      const frames = await readFrames(file);
      const black = segmentsFromFrames(frames, 'lavfi.black_start', 'lavfi.black_end', end);
      result.black = black;
      if (freezeMin !== undefined) {
        const freeze = segmentsFromFrames(frames, 'lavfi.freezedetect.freeze_start', 'lavfi.freezedetect.freeze_end', end);
        result.freeze = subtractSegments(freeze, black, freezeMin);
      }
    },
  };
};

/** JPEG samples from the small copy the detectors read (no second scale), timed through metadata. */
const samplesContributor: PassContributor = (requests, details, dir) => {
  if (!details.video || requestsOf(requests, 'frames').length === 0) return undefined;
  const interval = sampleInterval(details.duration_s);
  // image2 reads `%` in the path as a pattern: double any in the directory name.
  const pattern = join(dir.replace(/%/g, '%%'), 'sample_%d.jpg');
  const times = join(dir, 'samples.txt');
  // One frame whenever t crosses a multiple of the interval; `metadata=add` tags every
  // picked frame so `print` records its time (print skips frames without metadata).
  const pick = `select=eq(n\\,0)+gt(floor(t/${interval})\\,floor(prev_pts*TB/${interval}))`;
  return {
    branches: [{
      from: 'small',
      // The JPEG encoder wants full-range YUV. Converted here, after `select`, for the ~120
      // picked frames: left to ffmpeg's format negotiation, the conversion lands on the shared
      // downscale before `split`, so every frame the detectors read was range-converted too
      // (about 0.35 CPU-s per 30 s of 1080p, 5 % of the pass, measured with perf).
      filters: `${pick},metadata=mode=add:key=aiqc.sample:value=1,metadata=mode=print:file=${escapeFilterValue(times)},scale=out_range=full,format=yuvj420p`,
      // Samples are numbered by frame; their times come from the metadata file, not the names.
      output: ['-fps_mode', 'passthrough', '-q:v', '4', '-f', 'image2', '-start_number', '0', pattern],
    }],
    async collect(result) {
      result.samples = (await readFrames(times)).map((f, i) => ({ t: round3(f.pts_time), file: join(dir, `sample_${i}.jpg`) }));
    },
  };
};

/** Issue 17's flashes and crop (on the small copy) and phase (on the sound): depth.ts plans and reads them. */
const depthContributor: PassContributor = (requests, details, dir) => {
  const plan = planDepth(requests, details, dir, escapeFilterValue);
  if (plan.video.length === 0 && plan.audio.length === 0) return undefined;
  const size = details.video ? reducedSize(details, DETECT_WIDTH) : { width: 0, height: 0 };
  return {
    branches: [
      ...plan.video.map((b): PassBranch => ({ from: 'small', filters: b.chain, ...(b.output === 'null' ? {} : { output: rawVideoOutput(b.output.rawvideo) }) })),
      ...plan.audio.map((b): PassBranch => ({ from: 'sound', filters: b.chain })),
    ],
    async collect(result) {
      result.depth = await readDepth(plan, parseMetadataPrint, size);
    },
  };
};

/**
 * Every measurement of the pass, in order. A new one is a contributor here (and its request
 * and result fields above); `planPass` wires its branches into the graphs.
 */
export const PASS_CONTRIBUTORS: readonly PassContributor[] = [loudnessContributor, silenceContributor, blackFreezeContributor, samplesContributor, depthContributor];

export interface PassPlan {
  /** Every graph of the pass, `;`-joined: what reports and the bench show. */
  filtergraph: string;
  /** At most one run per stream kind: the picture is decoded once, the sound once. */
  runs: PassRun[];
  contributions: PassContribution[];
}

/** Pure: the requests (and what the probe found) → at most one graph per stream. Undefined when nothing to measure. */
export function planPass(requests: readonly AvPassRequest[], details: AvDetails, dir: string, contributors: readonly PassContributor[] = PASS_CONTRIBUTORS): PassPlan | undefined {
  const contributions = contributors.map((c) => c(requests, details, dir)).filter((c): c is PassContribution => c !== undefined);
  const branches = contributions.flatMap((c) => c.branches);
  const runs = [
    assembleRun('audio', branches.filter((b) => b.from === 'sound'), details),
    assembleRun('video', branches.filter((b) => b.from !== 'sound'), details),
  ].filter((r): r is PassRun => r !== undefined);
  if (runs.length === 0) return undefined;
  return { filtergraph: runs.map((r) => r.filtergraph).join(';'), runs, contributions };
}

/**
 * The ffmpeg arguments of one run. `-an`/`-vn` on the input keep each run to its stream (the
 * other's packets are demuxed and dropped, not decoded). Both graphs run on one filter thread,
 * stated because ffmpeg's default is "auto" (a slice thread per core). Every picture branch
 * reads the small copy, so a frame's filtering is a fraction of a millisecond, and splitting
 * it into slices only made the filters wait for threads the frame-threaded decoder was using:
 * on 2 cores the 1080p pass took 2.52 s with auto and 2.18 s with one thread (5 Mbit/s clip;
 * 2.97 → 2.75 s at 8 Mbit/s, 2.60 → 2.43 s for 720p, 4K equal within noise; 10 runs each).
 */
export function passArgs(run: PassRun, path: string): string[] {
  const video = run.stream === 'video';
  return [
    '-hide_banner', '-nostdin', '-v', 'error',
    '-filter_complex_threads', '1',
    ...(video ? ['-an'] : ['-vn']), '-sn', '-dn', '-i', inputUrl(path),
    '-filter_complex', run.filtergraph,
    ...(run.outputs.length > 0 ? [...run.outputs.flatMap((o) => ['-map', `[${o}]`]), '-f', 'null', '-'] : []),
    ...run.ownOutputs.flatMap((o) => ['-map', `[${o.label}]`, ...o.args]),
  ];
}

export interface MetadataFrame {
  pts_time: number;
  values: Record<string, string>;
}

/** Pure: the text `metadata=print:file=` writes → frames with their key=value pairs. */
export function parseMetadataPrint(text: string): MetadataFrame[] {
  const frames: MetadataFrame[] = [];
  let current: MetadataFrame | undefined;
  for (const line of text.split('\n')) {
    const header = /^frame:\s*\d+\s+pts:\s*\S+\s+pts_time:\s*(\S+)/.exec(line);
    if (header) {
      current = { pts_time: Number(header[1]), values: {} };
      frames.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.values[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return frames;
}

/** Pure: start/end keys on frames → segments; one still open at the end runs to `end_s`. */
export function segmentsFromFrames(frames: readonly MetadataFrame[], startKey: string, endKey: string, end_s: number): Segment[] {
  const out: Segment[] = [];
  let open: number | undefined;
  for (const f of frames) {
    const start = f.values[startKey];
    const end = f.values[endKey];
    // A frame can carry an end and a new start: close first.
    if (end !== undefined && open !== undefined) {
      out.push({ start_s: round3(open), end_s: round3(Number(end)) });
      open = undefined;
    }
    if (start !== undefined) open = Number(start);
  }
  if (open !== undefined && end_s > open) out.push({ start_s: round3(open), end_s: round3(end_s) });
  return out;
}

const dbOf = (linear: number) => (linear > 0 ? 20 * Math.log10(linear) : -Infinity);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Pure: ebur128's per-frame metadata → the loudness measurements and the curve. */
export function loudnessFromFrames(frames: readonly MetadataFrame[]): LoudnessResult | undefined {
  const last = frames.at(-1);
  if (!last) return undefined;
  const num = (f: MetadataFrame, key: string) => {
    const v = f.values[key];
    return v === undefined ? undefined : Number(v);
  };
  let maxM = -Infinity;
  let maxS = -Infinity;
  const curve: Array<[number, number]> = [];
  let seenMeasurement = false;
  let runningPeak = 0;
  let peakAt: number | null = null;
  for (const f of frames) {
    const peak = num(f, 'lavfi.r128.true_peak');
    if (peak !== undefined && peak > runningPeak) {
      runningPeak = peak;
      peakAt = round2(f.pts_time);
    }
    const m = num(f, 'lavfi.r128.M');
    const s = num(f, 'lavfi.r128.S');
    if (m !== undefined && m > NO_MEASUREMENT) maxM = Math.max(maxM, m);
    if (s !== undefined && s > NO_MEASUREMENT) {
      maxS = Math.max(maxS, s);
      seenMeasurement = true;
    }
    // Before the first full 3 s window there is no short-term value to plot; after it, a
    // silent stretch is drawn at the floor rather than left out.
    if (s !== undefined && seenMeasurement) curve.push([round2(f.pts_time + 0.1), round1(Math.max(CURVE_FLOOR, s))]);
  }
  const step = Math.ceil(curve.length / CURVE_POINTS);
  const thinned = step > 1 ? curve.filter((_, i) => i % step === 0) : curve;
  const channelPeaks = Object.keys(last.values)
    .filter((k) => /^lavfi\.r128\.true_peaks_ch\d+$/.test(k))
    .sort((a, b) => Number(a.replace(/\D+/g, '')) - Number(b.replace(/\D+/g, '')))
    .map((k) => Number(last.values[k]));
  const peakLinear = num(last, 'lavfi.r128.true_peak') ?? Math.max(0, ...channelPeaks);
  return {
    integrated_lufs: num(last, 'lavfi.r128.I') ?? -70,
    lra_lu: num(last, 'lavfi.r128.LRA') ?? 0,
    ...(num(last, 'lavfi.r128.LRA.low') !== undefined ? { lra_low_lufs: num(last, 'lavfi.r128.LRA.low')!, lra_high_lufs: num(last, 'lavfi.r128.LRA.high') ?? 0 } : {}),
    max_momentary_lufs: Number.isFinite(maxM) ? round2(maxM) : null,
    max_short_term_lufs: Number.isFinite(maxS) ? round2(maxS) : null,
    true_peak_dbtp: round2(Math.max(-200, dbOf(peakLinear))),
    channel_true_peaks_dbtp: channelPeaks.map((p) => (p > 0 ? round2(dbOf(p)) : null)),
    true_peak_at_s: peakAt,
    short_term: thinned,
  };
}

export const avPass: Analysis<AvPassResult, AvPassRequest> = {
  id: 'av.pass',
  async compute(ctx, requests) {
    const details = await ctx.get(avStreams);
    const plan = planPass(requests, details, ctx.env.tmpDir);
    if (!plan) return { silence: [], filtergraph: '', ran: false };
    // Both runs at once; the first to fail stops the other (its result would be thrown away).
    const both = new AbortController();
    const signal = AbortSignal.any([ctx.signal, both.signal]);
    await Promise.all(
      plan.runs.map(async (r) => {
        const run = await runTool('ffmpeg', ctx.env.ffmpegPath, passArgs(r, ctx.asset.path), { signal, timeoutMs: ctx.env.checkTimeoutMs }).catch((err: unknown) => {
          both.abort();
          throw err;
        });
        if (run.code !== 0) {
          both.abort();
          throw new Error(`the decode pass (${r.stream}) failed: ${explainFailure(run.stderr)}`);
        }
      }),
    );
    const result: AvPassResult = { silence: [], filtergraph: plan.filtergraph, ran: true };
    for (const c of plan.contributions) await c.collect(result, details.duration_s);
    return result;
  },
};
