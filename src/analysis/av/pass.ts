/**
 * The single decode pass. Every A/V measurement the profile's checks asked for (loudness
 * and true peak, black, freeze and silence segments) is computed from ONE decode of each
 * stream, with filtergraphs that hold exactly the filters those requests need: the picture
 * is decoded by exactly one ffmpeg run (black, freeze, samples; `-an`), and the sound, when
 * loudness or silence is asked, by one audio-only run (`-vn`) beside it. The two run at the
 * same time: in one process every filter runs on ffmpeg's single filtering thread after
 * the decoder, so ebur128's true-peak oversampling waited on the picture; in its own
 * process it uses the other core, and reading the audio again costs only a demux of the
 * file (the picture's packets are skipped, never decoded). Results come back as
 * structured per-frame metadata (`metadata=print:file=…`) that ebur128, blackdetect,
 * freezedetect and silencedetect attach to frames — never from ffmpeg's log, whose
 * ebur128 summary is wrong inside -filter_complex (it prints a bogus one when the graph is
 * first configured).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '../../qc/types.js';
import { depthOutputArgs, planDepth, readDepth, type DepthPlan, type DepthRequest, type DepthResult } from './depth.js';
import { avProbe, inputUrl, type AvDetails } from './probe.js';
import { explainFailure } from './reasons.js';
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

/** A picture sampled during the pass: `file` (JPEG, ANALYSIS_WIDTH wide) lives in the run's scratch dir. */
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

/** Detection of black/freeze runs on a copy this wide: plenty for mean levels and frame differences. */
export const ANALYSIS_WIDTH = 480;
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

/** One ffmpeg run of the pass: the picture's (`video`) or the sound's (`audio`), never both. */
export interface PassRun {
  stream: 'audio' | 'video';
  filtergraph: string;
  /** Graph outputs that go to the null muxer (measurement only). */
  outputs: string[];
}

export interface PassPlan {
  /** Every graph of the pass, `;`-joined: what reports and the bench show. */
  filtergraph: string;
  /** At most one run per stream kind: the picture is decoded once, the sound once. */
  runs: PassRun[];
  /** Metadata file per branch. */
  files: {
    audio?: string;
    video?: string;
    silence: Array<{ threshold_db: number; min_duration_s: number; file: string }>;
    /** JPEG samples `<prefix>_<n>.jpg` and the metadata file that times them. */
    samples?: { pattern: string; times: string; dir: string };
  };
  blackMin?: number;
  freezeMin?: number;
  /** Issue 17's branches (depth.ts) and the analysed copy's size they measure on. */
  depth?: DepthPlan;
  analysedSize?: { width: number; height: number };
}

/** Pure: the requests (and what the probe found) → one filtergraph. Undefined when nothing to measure. */
export function planPass(requests: readonly AvPassRequest[], details: AvDetails, dir: string): PassPlan | undefined {
  const audio = details.audio;
  const video = details.video;
  const wantsLoudness = !!audio && requests.some((r) => r.measure === 'loudness');
  const silenceByThreshold = new Map<number, number>();
  if (audio) {
    for (const r of requests) {
      if (r.measure === 'silence') silenceByThreshold.set(r.threshold_db, Math.min(silenceByThreshold.get(r.threshold_db) ?? Infinity, r.min_duration_s));
    }
  }
  const freezeReqs = video ? requests.filter((r): r is Extract<AvPassRequest, { measure: 'freeze' }> => r.measure === 'freeze') : [];
  const blackReqs = video ? requests.filter((r): r is Extract<AvPassRequest, { measure: 'black' }> => r.measure === 'black') : [];
  const freezeMin = freezeReqs.length > 0 ? Math.max(0.1, Math.min(...freezeReqs.map((r) => r.min_duration_s))) : undefined;
  // Freeze segments are reconciled with black ones, so a freeze request needs black too.
  const blackCandidates = [...blackReqs.map((r) => r.min_duration_s), ...(freezeMin !== undefined ? [freezeMin] : [])];
  const blackMin = blackCandidates.length > 0 ? Math.max(0, Math.min(...blackCandidates)) : undefined;
  const wantsFrames = !!video && requests.some((r) => r.measure === 'frames');
  const depth = planDepth(requests, details, dir, escapeFilterValue);

  const runs: PassRun[] = [];
  let chains: string[] = [];
  let outputs: string[] = [];
  const files: PassPlan['files'] = { silence: [] };
  const audioBranches = (wantsLoudness ? 1 : 0) + silenceByThreshold.size + depth.audio.length;
  if (audio && audioBranches > 0) {
    const labels = Array.from({ length: audioBranches }, (_, i) => `a${i}`);
    const src = `[0:${audio.index}]`;
    let next = 0;
    if (audioBranches > 1) chains.push(`${src}asplit=${audioBranches}${labels.map((l) => `[${l}in]`).join('')}`);
    const input = (label: string) => (audioBranches > 1 ? `[${label}in]` : src);
    if (wantsLoudness) {
      const label = labels[next++]!;
      files.audio = join(dir, 'loudness.txt');
      chains.push(`${input(label)}ebur128=peak=true:metadata=1,ametadata=mode=print:file=${escapeFilterValue(files.audio)}[${label}]`);
      outputs.push(label);
    }
    for (const [threshold, min] of silenceByThreshold) {
      const label = labels[next++]!;
      const file = join(dir, `silence_${files.silence.length}.txt`);
      files.silence.push({ threshold_db: threshold, min_duration_s: min, file });
      chains.push(`${input(label)}silencedetect=noise=${threshold}dB:duration=${min},ametadata=mode=print:file=${escapeFilterValue(file)}[${label}]`);
      outputs.push(label);
    }
    for (const branch of depth.audio) {
      const label = labels[next++]!;
      chains.push(`${input(label)}${branch.chain}[${label}]`);
      outputs.push(label);
    }
    runs.push({ stream: 'audio', filtergraph: chains.join(';'), outputs });
    chains = [];
    outputs = [];
  }
  let analysedSize: PassPlan['analysedSize'];
  if (video && (blackMin !== undefined || wantsFrames || depth.video.length > 0)) {
    // Detection runs on a reduced copy: decoding dominates, and black levels and frame
    // differences survive downscaling. The copy is sized by display aspect (SAR applied).
    const width = Math.min(ANALYSIS_WIDTH, video.display_width) & ~1;
    const height = Math.max(2, Math.round(width / (video.display_aspect_ratio || 16 / 9) / 2) * 2);
    let chain = `[0:${video.index}]scale=${width}:${height}:flags=fast_bilinear,setsar=1`;
    if (blackMin !== undefined) {
      files.video = join(dir, 'video.txt');
      const freeze = freezeMin !== undefined ? `freezedetect=d=${freezeMin},` : '';
      chain += `,blackdetect=d=${blackMin},${freeze}metadata=mode=print:file=${escapeFilterValue(files.video)}`;
    }
    analysedSize = { width, height };
    if (depth.video.length > 0) {
      // Issue 17's branches split off the reduced copy; the rest of the graph goes on from [vmain].
      chains.push(`${chain},split=${depth.video.length + 1}[vmain]${depth.video.map((_, i) => `[d${i}in]`).join('')}`, ...depth.video.map((b, i) => `[d${i}in]${b.chain}[d${i}]`));
      outputs.push(...depth.video.flatMap((b, i) => (b.output === 'null' ? [`d${i}`] : [])));
      chain = '[vmain]null';
    }
    if (wantsFrames) {
      const interval = sampleInterval(details.duration_s);
      // image2 reads `%` in the path as a pattern: double any in the directory name.
      const samples = { dir, pattern: join(dir.replace(/%/g, '%%'), 'sample_%d.jpg'), times: join(dir, 'samples.txt') };
      files.samples = samples;
      // One frame whenever t crosses a multiple of the interval; `metadata=add` tags every
      // picked frame so `print` records its time (print skips frames without metadata).
      const pick = `select=eq(n\\,0)+gt(floor(t/${interval})\\,floor(prev_pts*TB/${interval}))`;
      chains.push(`${chain},split=2[v][vs]`);
      chains.push(`[vs]${pick},metadata=mode=add:key=aiqc.sample:value=1,metadata=mode=print:file=${escapeFilterValue(samples.times)}[samples]`);
    } else {
      chains.push(`${chain}[v]`);
    }
    outputs.push('v');
    runs.push({ stream: 'video', filtergraph: chains.join(';'), outputs });
  }
  if (runs.length === 0) return undefined;
  return { filtergraph: runs.map((r) => r.filtergraph).join(';'), runs, files, ...(blackMin !== undefined ? { blackMin } : {}), ...(freezeMin !== undefined ? { freezeMin } : {}), depth, ...(analysedSize ? { analysedSize } : {}) };
}

/**
 * The ffmpeg arguments of one run. `-an`/`-vn` on the input keep each run to its stream (the
 * other's packets are demuxed and dropped, not decoded). The picture's run gives its graph
 * every core for slice threads (scale, blackdetect split each frame into slices) — ffmpeg's
 * default is the same "auto", stated here so a build with another default cannot make the
 * pass serial; the sound's filters (ebur128, silencedetect) have no slice threading.
 */
export function passArgs(plan: PassPlan, run: PassRun, path: string, cores = availableParallelism()): string[] {
  const video = run.stream === 'video';
  return [
    '-hide_banner', '-nostdin', '-v', 'error',
    '-filter_complex_threads', String(video ? cores : 1),
    ...(video ? ['-an'] : ['-vn']), '-sn', '-dn', '-i', inputUrl(path),
    '-filter_complex', run.filtergraph,
    ...run.outputs.flatMap((o) => ['-map', `[${o}]`]),
    '-f', 'null', '-',
    // Samples are numbered by frame; their times come from the metadata file, not the names.
    ...(video && plan.files.samples ? ['-map', '[samples]', '-fps_mode', 'passthrough', '-q:v', '4', '-f', 'image2', '-start_number', '0', plan.files.samples.pattern] : []),
    ...(video && plan.depth ? depthOutputArgs(plan.depth.video, (i) => `d${i}`) : []),
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
    const { details } = await ctx.get(avProbe);
    const plan = planPass(requests, details, ctx.env.tmpDir);
    if (!plan) return { silence: [], filtergraph: '', ran: false };
    // Both runs at once; the first to fail stops the other (its result would be thrown away).
    const both = new AbortController();
    const signal = AbortSignal.any([ctx.signal, both.signal]);
    await Promise.all(
      plan.runs.map(async (r) => {
        const run = await runTool('ffmpeg', ctx.env.ffmpegPath, passArgs(plan, r, ctx.asset.path), { signal, timeoutMs: ctx.env.checkTimeoutMs }).catch((err: unknown) => {
          both.abort();
          throw err;
        });
        if (run.code !== 0) {
          both.abort();
          throw new Error(`the decode pass (${r.stream}) failed: ${explainFailure(run.stderr)}`);
        }
      }),
    );
    const read = async (file: string) => parseMetadataPrint(await readFile(file, 'utf8').catch(() => ''));
    const result: AvPassResult = { silence: [], filtergraph: plan.filtergraph, ran: true };
    const end = details.duration_s;
    if (plan.files.audio) {
      const loudness = loudnessFromFrames(await read(plan.files.audio));
      if (loudness) result.loudness = loudness;
    }
    for (const s of plan.files.silence) {
      const frames = await read(s.file);
      result.silence.push({ threshold_db: s.threshold_db, min_duration_s: s.min_duration_s, segments: segmentsFromFrames(frames, 'lavfi.silence_start', 'lavfi.silence_end', end) });
    }
    if (plan.files.samples) {
      const { dir, times } = plan.files.samples;
      result.samples = (await read(times)).map((f, i) => ({ t: round3(f.pts_time), file: join(dir, `sample_${i}.jpg`) }));
    }
    if (plan.files.video) {
      const frames = await read(plan.files.video);
      const black = segmentsFromFrames(frames, 'lavfi.black_start', 'lavfi.black_end', end);
      result.black = black;
      if (plan.freezeMin !== undefined) {
        const freeze = segmentsFromFrames(frames, 'lavfi.freezedetect.freeze_start', 'lavfi.freezedetect.freeze_end', end);
        result.freeze = subtractSegments(freeze, black, plan.freezeMin);
      }
    }
    if (plan.depth && (plan.depth.video.length > 0 || plan.depth.audio.length > 0)) result.depth = await readDepth(plan.depth, parseMetadataPrint, plan.analysedSize ?? { width: 0, height: 0 });
    return result;
  },
};
