/**
 * The QC engine's vocabulary. These types are the seam every family (image, video, PDF,
 * text/AI) plugs into: a family adds a probe for its kind, analyses, and checks — the
 * engine itself never changes for a new family.
 */
import type { z } from 'zod';

export type AssetKind = 'image' | 'pdf' | 'video' | 'audio' | 'unknown';

export type Severity = 'error' | 'warning' | 'info';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped' | 'error';
export type Verdict = 'pass' | 'warn' | 'fail' | 'error';

/**
 * One piece of evidence a check attaches to its result. Every field is optional so a
 * family can say what it has; the HTML report renders each shape it recognises.
 *  - a time segment: `start_s`/`end_s` (+ `label`)
 *  - a region: `box` in fractions of the page/frame (0..1), with `page` for PDFs
 *  - a still: `image` as a data URI (rendered by the report, never a remote URL)
 *  - a series: `series` of [x, y] points (e.g. short-term loudness over time), with an
 *    optional target `band`
 */
export interface Evidence {
  label?: string;
  start_s?: number;
  end_s?: number;
  page?: number;
  box?: { x: number; y: number; w: number; h: number };
  image?: string;
  /** Frames just before and after a segment (data URIs), so a black or frozen still has context. */
  image_before?: string;
  image_after?: string;
  series?: {
    x_label: string;
    y_label: string;
    points: Array<[number, number]>;
    band?: { min: number; max: number };
  };
  detail?: Record<string, unknown>;
}

/** What the file is, from its bytes. `format` is a short lowercase name (jpeg, png, mp4, pdf…). */
export interface SniffResult {
  kind: AssetKind;
  format: string;
  mime?: string;
  /** Why the kind is unknown, in words a person can act on. */
  reason?: string;
}

/** The file under test, as the engine knows it before any probe ran. */
export interface AssetFile {
  path: string;
  /** The name the user knows it by (the Box name, not a temp file's). */
  name: string;
  size_bytes: number;
  /**
   * SHA-256 of the content, hashed while the probe and the checks already run (a 2 GB video is
   * seconds of hashing that nothing else waits for): await it where it is needed.
   */
  sha256: Promise<string>;
  sniff: SniffResult;
}

/**
 * What a probe learned. `info` goes into the report as `asset.info` (snake_case keys, plain
 * JSON); `details` is the family's own typed data, read back by its checks through the probe
 * analysis.
 */
export interface ProbeResult<D = unknown> {
  format?: string;
  info: Record<string, unknown>;
  details: D;
}

/** Limits and tool locations every analysis may need; built once from the environment. */
export interface QcEnvironment {
  /** Images (and rendered pages) with more pixels than this are refused before decoding. */
  maxPixels: number;
  /** Per-check time limit. */
  checkTimeoutMs: number;
  ffmpegPath: string;
  ffprobePath: string;
  /** Scratch space for analyses that need files (frame stills…); removed after the run. */
  tmpDir: string;
  /** Each family's own settings (the AI model, PDF limits…), typed: see `FamilySettings`. */
  extensions: FamilySettings;
}

/**
 * The settings of the families, one optional entry per family. The engine knows none of them:
 * each family adds its entry where it reads it, by module augmentation —
 * `declare module '../../qc/types.js' { interface FamilySettings { ai?: AiConfig } }` — so
 * `env.extensions.ai` is typed end to end without the engine importing the family.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the families' augmentations
export interface FamilySettings {}

export interface AnalysisContext {
  asset: AssetFile;
  env: QcEnvironment;
  signal: AbortSignal;
  /** Other analyses this one builds on (memoised like any other). */
  get<T, R>(analysis: Analysis<T, R>): Promise<T>;
}

/**
 * A measurement shared by several checks, computed at most once per asset. `R` is what a
 * check asks of it (e.g. "loudness" and "blackdetect" of the one ffmpeg pass); the engine
 * gathers every request of the profile's checks before the first computation, so one pass
 * can serve them all.
 */
export interface Analysis<T, R = never> {
  id: string;
  compute(ctx: AnalysisContext, requests: readonly R[]): Promise<T>;
}

export interface AnalysisRequest {
  analysis: Analysis<unknown, unknown>;
  request: unknown;
}

/** Helper to build a typed request for `CheckDefinition.requires`. */
export function requestOf<T, R>(analysis: Analysis<T, R>, request: R): AnalysisRequest {
  return { analysis: analysis as Analysis<unknown, unknown>, request };
}

/**
 * The client the asset is checked for (clients.yaml), when known: its own words for the
 * spelling check and its brand guidelines for the AI checks. A `ClientConfig` fits as is.
 */
export interface QcClient {
  id: string;
  name: string;
  guidelines?: string;
  dictionary?: string[];
}

export interface CheckContext<P> {
  asset: AssetFile;
  /** Undefined when no client was named (e.g. `aiqc check` without `--client`). */
  client?: QcClient;
  params: P;
  severity: Severity;
  env: QcEnvironment;
  signal: AbortSignal;
  analyses: { get<T, R>(analysis: Analysis<T, R>): Promise<T> };
}

/** What a check says. `fail` becomes `warn` for severity warning/info (DESIGN §3). */
export interface CheckOutcome {
  status: 'pass' | 'warn' | 'fail' | 'skipped';
  message: string;
  measured?: Record<string, unknown>;
  expected?: Record<string, unknown>;
  evidence?: Evidence[];
}

export interface CheckDefinition<P = unknown> {
  /** Public id, e.g. `image.dimensions` (DESIGN §5). */
  id: string;
  name: string;
  description: string;
  /** Kinds this check can judge; on any other kind it is `skipped`. */
  appliesTo: readonly AssetKind[];
  params: z.ZodType<P>;
  /** Analysis requests this check will make, so shared passes know everything up front. */
  requires?(params: P): AnalysisRequest[];
  run(ctx: CheckContext<P>): Promise<CheckOutcome>;
}

/** A family's handling of one kind: how to probe it and how to draw its thumbnail. */
export interface KindHandler {
  kind: AssetKind;
  probe: Analysis<ProbeResult>;
  /** A small JPEG/PNG of the asset for the report; undefined when none can be made. */
  thumbnail?: Analysis<Buffer | undefined>;
  /**
   * Small pictures of the pages with findings (PDF), keyed by page number; the engine requests
   * the page numbers once the checks have run. Pages that cannot be drawn are absent.
   */
  pageImages?: Analysis<ReadonlyMap<number, Buffer>, readonly number[]>;
}

export interface ResolvedCheck {
  id: string;
  severity: Severity;
  weight?: number;
  params: unknown;
}

export interface ResolvedProfile {
  id: string;
  name: string;
  description?: string;
  applies_to: AssetKind[];
  checks: ResolvedCheck[];
  /** Where it came from, for messages (`built-in` or a file path). */
  source: string;
}

export interface CheckResult {
  id: string;
  name: string;
  severity: Severity;
  weight?: number;
  status: CheckStatus;
  message: string;
  measured?: Record<string, unknown>;
  expected?: Record<string, unknown>;
  evidence?: Evidence[];
  duration_ms: number;
}

export type ProgressEvent =
  | { type: 'asset-start'; name: string }
  | { type: 'probe-done'; name: string; kind: AssetKind }
  | { type: 'check-start'; name: string; index: number; total: number; check_id: string; check_name: string }
  | { type: 'check-done'; name: string; index: number; total: number; check_id: string; status: CheckStatus }
  | { type: 'asset-done'; name: string; score: number; verdict: Verdict };
