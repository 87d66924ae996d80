/**
 * The QC engine: sniff → probe → checks (sharing memoised analyses) → score → report.
 * It knows no family: kinds, analyses and checks come in through `QcDeps`.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AnalysisStore } from './analyses.js';
import type { CheckCatalogue, KindRegistry } from './catalogue.js';
import { AiqcError, messageOf, NotApplicableError, ToolMissingError } from './errors.js';
import { scoreOf, statusForSeverity, verdictOf } from './score.js';
import { newSessionId } from './session.js';
import { sniffFile } from './sniff.js';
import type {
  Analysis,
  AssetFile,
  AssetKind,
  CheckDefinition,
  CheckOutcome,
  CheckResult,
  KindHandler,
  ProbeResult,
  ProgressEvent,
  QcClient,
  QcEnvironment,
  ResolvedCheck,
  ResolvedProfile,
} from './types.js';
import { PAGES_DRAWN, REPORT_SCHEMA_VERSION, type QcReport } from '../report/schema.js';

export interface QcDeps {
  catalogue: CheckCatalogue;
  kinds: KindRegistry;
  env: QcEnvironment;
  toolVersion: string;
  now?: () => Date;
}

export interface QcInput {
  path: string;
  /** The name the user knows the file by; defaults to the path's base name. */
  name?: string;
  /**
   * The profile, or how to choose it from what the file is: the engine sniffs the file once
   * and hands the kind to the chooser (the CLI's general profile, the pipeline's kind fallback).
   */
  profile: ResolvedProfile | ((kind: AssetKind) => ResolvedProfile | Promise<ResolvedProfile>);
  /** The client the file belongs to; checks that follow a client's rules read it. */
  client?: QcClient;
  sessionId?: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export const READABLE_CHECK_ID = 'file.readable';

export async function runQc(input: QcInput, deps: QcDeps): Promise<QcReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const t0 = performance.now();
  const name = input.name ?? basename(input.path);
  const progress = input.onProgress ?? (() => undefined);
  progress({ type: 'asset-start', name });

  const asset = await describeFile(input.path, name);
  const profile = typeof input.profile === 'function' ? await input.profile(asset.sniff.kind) : input.profile;
  const runAbort = new AbortController();
  const onOuterAbort = () => runAbort.abort(input.signal?.reason);
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const runTmp = await mkdtemp(join(deps.env.tmpDir, 'aiqc-run-'));
  const env: QcEnvironment = { ...deps.env, tmpDir: runTmp };

  try {
    const store = new AnalysisStore(asset, env, runAbort.signal);
    const profileChecks = withReadableFirst(profile.checks);
    const plan = profileChecks.map((rc) => ({ rc, def: deps.catalogue.get(rc.id) }));
    for (const { rc, def } of plan) {
      if (!def || !def.appliesTo.includes(asset.sniff.kind) || !def.requires) continue;
      for (const req of def.requires(rc.params)) store.plan(req.analysis, req.request);
    }

    const total = plan.length;
    const results: CheckResult[] = [];
    let probe: ProbeResult | undefined;
    let unreadable: string | undefined;
    const handler = deps.kinds.get(asset.sniff.kind);

    // file.readable: the probe itself. If it fails nothing else can be judged.
    progress({ type: 'check-start', name, index: 1, total, check_id: READABLE_CHECK_ID, check_name: 'File is readable' });
    const readableStart = performance.now();
    const readableCheck = plan[0]!.rc;
    if (asset.sniff.kind === 'unknown') {
      unreadable = `${name}: ${asset.sniff.reason ?? 'unrecognised content'}`;
    } else if (!handler) {
      unreadable = `${name}: ${asset.sniff.kind} files are recognised but this installation has no ${asset.sniff.kind} support`;
    } else {
      try {
        probe = await withTimeout(store.get(handler.probe), env.checkTimeoutMs, 'reading the file');
      } catch (err) {
        unreadable = `${name}: ${messageOf(err)}`;
      }
    }
    results.push({
      id: READABLE_CHECK_ID,
      name: 'File is readable',
      severity: readableCheck.severity,
      ...(readableCheck.weight !== undefined ? { weight: readableCheck.weight } : {}),
      status: unreadable ? 'fail' : 'pass',
      message: unreadable ?? `${readableName(probe?.format ?? asset.sniff.format, asset.sniff.kind)} read successfully`,
      measured: { kind: asset.sniff.kind, format: probe?.format ?? asset.sniff.format },
      duration_ms: Math.round(performance.now() - readableStart),
    });
    progress({ type: 'check-done', name, index: 1, total, check_id: READABLE_CHECK_ID, status: results[0]!.status });
    if (!unreadable) progress({ type: 'probe-done', name, kind: asset.sniff.kind });

    for (let i = 1; i < plan.length; i++) {
      const { rc, def } = plan[i]!;
      const checkName = def?.name ?? rc.id;
      progress({ type: 'check-start', name, index: i + 1, total, check_id: rc.id, check_name: checkName });
      const result = unreadable
        ? skippedResult(rc, checkName, 'not run: the file could not be read')
        : await runOneCheck(rc, def, asset, env, store, runAbort.signal, input.client);
      results.push(result);
      progress({ type: 'check-done', name, index: i + 1, total, check_id: rc.id, status: result.status });
    }

    let thumbnail: string | undefined;
    if (!unreadable && handler?.thumbnail) {
      try {
        const buf = await withTimeout(store.get(handler.thumbnail), env.checkTimeoutMs, 'drawing the thumbnail');
        if (buf) thumbnail = `data:image/jpeg;base64,${buf.toString('base64')}`;
      } catch {
        // A report without a thumbnail is still a report; the checks say what is wrong.
      }
    }
    const pageImages = unreadable ? [] : await drawPagesWithFindings(results, handler, store, env, thumbnail !== undefined);

    const readable = !unreadable;
    const report: QcReport = {
      schema_version: REPORT_SCHEMA_VERSION,
      tool: { name: 'aiqc', version: deps.toolVersion },
      session_id: input.sessionId ?? newSessionId(startedAt),
      asset: {
        name,
        size_bytes: asset.size_bytes,
        sha256: await asset.sha256,
        kind: asset.sniff.kind,
        format: probe?.format ?? asset.sniff.format,
        info: probe?.info ?? {},
        ...(thumbnail ? { thumbnail } : {}),
        ...(pageImages.length > 0 ? { page_images: pageImages } : {}),
      },
      profile: { id: profile.id, name: profile.name },
      score: scoreOf(results, readable),
      verdict: verdictOf(results, readable),
      ...(unreadable ? { error: unreadable } : {}),
      started_at: startedAt.toISOString(),
      duration_ms: Math.round(performance.now() - t0),
      checks: results,
    };
    progress({ type: 'asset-done', name, score: report.score, verdict: report.verdict });
    return report;
  } finally {
    input.signal?.removeEventListener('abort', onOuterAbort);
    // Stop whatever an analysis still has running (a slow ffmpeg behind a timed-out check).
    runAbort.abort();
    await rm(runTmp, { recursive: true, force: true });
  }
}

/**
 * Small renders of the first pages with findings, for the report to mark up (page 1 is the
 * thumbnail already). Asked for once the checks have run, so the pages are known; the kind's
 * one opened document serves them. Best effort: a report without them is still a report.
 */
async function drawPagesWithFindings(
  results: readonly CheckResult[],
  handler: KindHandler | undefined,
  store: AnalysisStore,
  env: QcEnvironment,
  hasThumbnail: boolean,
): Promise<Array<{ page: number; image: string }>> {
  if (!handler?.pageImages) return [];
  const pages = new Set<number>();
  for (const r of results) {
    if (r.status !== 'fail' && r.status !== 'warn' && r.status !== 'error') continue;
    for (const e of r.evidence ?? []) if (e.page !== undefined) pages.add(e.page);
  }
  const wanted = [...pages].sort((a, b) => a - b).slice(0, PAGES_DRAWN).filter((p) => !(p === 1 && hasThumbnail));
  if (wanted.length === 0) return [];
  try {
    store.plan(handler.pageImages as Analysis<unknown, unknown>, wanted);
    const images = await withTimeout(store.get(handler.pageImages), env.checkTimeoutMs, 'drawing the pages with findings');
    return wanted.flatMap((page) => {
      const buf = images.get(page);
      return buf ? [{ page, image: `data:image/webp;base64,${buf.toString('base64')}` }] : [];
    });
  } catch {
    return [];
  }
}

async function describeFile(path: string, name: string): Promise<AssetFile> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  const sha256 = hashFile(path);
  // Awaited by the report; until then a failed read must not be an unhandled rejection.
  sha256.catch(() => undefined);
  const sniff = await sniffFile(path, info.size);
  return { path, name, size_bytes: info.size, sha256, sniff };
}

/**
 * SHA-256 of the file through one reused buffer: a read stream would leave a fresh 64 KiB
 * chunk per read for the garbage collector, as much garbage as the file is large, at the
 * moment the image decode needs the memory.
 */
async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path);
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

function withReadableFirst(checks: readonly ResolvedCheck[]): ResolvedCheck[] {
  const readable = checks.find((c) => c.id === READABLE_CHECK_ID) ?? { id: READABLE_CHECK_ID, severity: 'error' as const, params: {} };
  return [readable, ...checks.filter((c) => c.id !== READABLE_CHECK_ID)];
}

async function runOneCheck(
  rc: ResolvedCheck,
  def: CheckDefinition<unknown> | undefined,
  asset: AssetFile,
  env: QcEnvironment,
  store: AnalysisStore,
  runSignal: AbortSignal,
  client: QcClient | undefined,
): Promise<CheckResult> {
  const name = def?.name ?? rc.id;
  if (!def) return errorResult(rc, name, `unknown check id ${rc.id}`, 0);
  if (!def.appliesTo.includes(asset.sniff.kind)) {
    return skippedResult(rc, name, `applies to ${def.appliesTo.join('/')} files; this is ${article(asset.sniff.kind)} ${asset.sniff.kind} file`);
  }
  const started = performance.now();
  const checkAbort = new AbortController();
  const abortCheck = () => checkAbort.abort();
  runSignal.addEventListener('abort', abortCheck, { once: true });
  try {
    const outcome: CheckOutcome = await withTimeout(
      def.run({ asset, ...(client ? { client } : {}), params: rc.params, severity: rc.severity, env, signal: checkAbort.signal, analyses: store }),
      env.checkTimeoutMs,
      `check ${rc.id}`,
      () => checkAbort.abort(),
    );
    const { status, ...rest } = outcome;
    return {
      id: rc.id,
      name,
      severity: rc.severity,
      ...(rc.weight !== undefined ? { weight: rc.weight } : {}),
      status: statusForSeverity(status, rc.severity),
      ...rest,
      duration_ms: Math.round(performance.now() - started),
    };
  } catch (err) {
    const elapsed = performance.now() - started;
    if (err instanceof ToolMissingError || err instanceof NotApplicableError) return skippedResult(rc, name, err.message, elapsed);
    return errorResult(rc, name, `could not run: ${messageOf(err)}`, elapsed);
  } finally {
    runSignal.removeEventListener('abort', abortCheck);
  }
}

function skippedResult(rc: ResolvedCheck, name: string, message: string, elapsed = 0): CheckResult {
  return { id: rc.id, name, severity: rc.severity, ...(rc.weight !== undefined ? { weight: rc.weight } : {}), status: 'skipped', message, duration_ms: Math.round(elapsed) };
}

function errorResult(rc: ResolvedCheck, name: string, message: string, elapsed: number): CheckResult {
  return { id: rc.id, name, severity: rc.severity, ...(rc.weight !== undefined ? { weight: rc.weight } : {}), status: 'error', message, duration_ms: Math.round(elapsed) };
}

/** "MP4 video", "PNG image", but just "PDF" where the format is the kind. */
function readableName(format: string, kind: string): string {
  return format.toLowerCase() === kind ? format.toUpperCase() : `${format.toUpperCase()} ${kind}`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** A check (or the probe) ran past AIQC_CHECK_TIMEOUT_S; its result is `error` with this message. */
export class TimeoutError extends AiqcError {
  constructor(message: string) {
    super('check_timeout', message, { fix: 'raise AIQC_CHECK_TIMEOUT_S if such files are expected' });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(`${what} timed out after ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
