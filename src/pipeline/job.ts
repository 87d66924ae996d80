/**
 * The Box QC job (DESIGN §6): download the announced file version, QC it, upload the report to
 * REPORTS and only then move the source to INCOMING/_PROCESSED. Each step is recorded with a
 * checkpoint, so an attempt that follows a crash (kill -9, a lost lease) skips what is done;
 * the Box writes look before they write, so a step that crashed after its Box call but before
 * its checkpoint is recognised rather than repeated.
 */
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BoxClient } from '../box/client.js';
import { BoxApiError, BoxConfigError } from '../box/errors.js';
import type { BoxFolderMapping, ClientConfig } from '../config/clients.js';
import { ConfigError } from '../config/errors.js';
import type { Db } from '../db/database.js';
import { getDefaultProfileOverride } from '../db/client-settings.js';
import { getQcRun, qcRunFromReport, saveQcRun } from '../db/qc-runs.js';
import { handleJob, type JobHandler } from '../jobs/definition.js';
import { PermanentJobError, TransientJobError } from '../jobs/errors.js';
import type { JobContext } from '../jobs/definition.js';
import type { QcRuntime } from '../app/runtime.js';
import { newSessionId } from '../qc/session.js';
import type { ResolvedProfile } from '../qc/types.js';
import { renderHtml } from '../report/html.js';
import type { ReportPdfRenderer } from '../report/pdf.js';
import type { QcReport } from '../report/schema.js';
import { boxQcFileJob, PROCESSED_FOLDER_NAME, processedNameFor, reportNameFor, type BoxQcFilePayload } from './box-qc-file.js';
import { configuredProfile, profileAppliesTo, profileForKind, type ProfileSource } from './profile-choice.js';

export interface BoxQcJobDeps {
  /** The process's one Box client; throws BoxConfigError when Box credentials are not set. */
  box: () => BoxClient;
  runtime: QcRuntime;
  db: Db;
  /** Parent of each job's private download folder. */
  tmpRoot: string;
  clock?: () => number;
  /** Prints the PDF report; without it (`problem` says why) clients get the HTML only. */
  reportPdf?: { renderer?: ReportPdfRenderer; problem?: string };
}

/** What the job has done so far; stored with `ctx.checkpoint` after each step. */
export interface BoxQcProgress {
  session_id: string;
  qc?: { profile_id: string; profile_source: ProfileSource; asset_kind: string; score: number; verdict: string };
  report?: { file_id: string; name: string; folder_id: string };
  /** The PDF beside the HTML (DESIGN §11), or why there is none. */
  report_pdf?: { file_id: string; name: string } | { skipped: string };
  move?: { processed_folder_id: string; name: string } | { error: string };
}

export interface BoxQcResult {
  session_id: string;
  profile_id: string;
  score: number;
  verdict: string;
  report_file_id: string;
  report_name: string;
  reports_folder_id: string;
  report_pdf_file_id?: string;
  report_pdf_name?: string;
  /** Why no PDF was uploaded although the client's report_formats ask for one. */
  report_pdf_skipped?: string;
  moved_to?: string;
  /** The report landed but the source could not be archived; it stays in INCOMING. */
  box_source_move_error?: string;
}

/** A name safe on any local filesystem (no path, no shell metacharacters); the Box name still goes into the report. */
export function localFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const [, rawStem = '', ext = ''] = /^(.*?)(\.[A-Za-z0-9]{1,10})?$/.exec(base) ?? [];
  const stem = rawStem.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 100);
  return `${stem || 'asset'}${ext}`;
}

export function createBoxQcFileHandler(deps: BoxQcJobDeps): JobHandler {
  return handleJob(boxQcFileJob, (payload, ctx) => runBoxQcJob(payload, ctx, deps));
}

export async function runBoxQcJob(payload: BoxQcFilePayload, ctx: JobContext, deps: BoxQcJobDeps): Promise<BoxQcResult> {
  const clock = deps.clock ?? Date.now;
  const saved = ctx.progress as BoxQcProgress | null;
  let progress: BoxQcProgress = saved?.session_id ? saved : { session_id: payload.session_id ?? newSessionId(new Date(clock())) };
  const session = progress.session_id;
  const log = ctx.logger.child({ session_id: session, file_id: payload.file_id, client_id: payload.client_id });
  const save = async (next: BoxQcProgress, sideEffect?: Parameters<JobContext['checkpoint']>[1]) => {
    await ctx.checkpoint(next, sideEffect);
    progress = next;
  };
  // (1) The session is fixed before anything else so every attempt names its files alike.
  if (!saved?.session_id) await save(progress);
  else log.info({ done: Object.keys(saved).filter((k) => k !== 'session_id') }, `resuming session ${session}`);

  const { client, folder } = mappingFor(payload, deps.runtime);
  const box = boxClient(deps);
  // An earlier attempt of this job killed outright (kill -9, OOM) could not clean up; the lease
  // makes this worker the job's only owner now, so its leftovers are safe to remove.
  const prefix = `aiqc-box-${ctx.jobId}-`;
  for (const stale of (await readdir(deps.tmpRoot).catch(() => [])).filter((n) => n.startsWith(prefix))) {
    await rm(join(deps.tmpRoot, stale), { recursive: true, force: true });
  }
  const workDir = await mkdtemp(join(deps.tmpRoot, prefix));
  try {
    await chmod(workDir, 0o700);

    // (2) + (3) Download and QC; the report JSON and the checkpoint commit together.
    if (!progress.qc) {
      const localPath = join(workDir, localFileName(payload.file_name));
      const downloaded = await boxStep(ctx, () => box.downloadToPath(payload.file_id, localPath, { versionId: payload.file_version_id }));
      log.info({ bytes: downloaded.bytes }, `downloaded ${payload.file_name} (${downloaded.bytes} bytes) from Box file ${payload.file_id} v${payload.file_version_id}`);
      const override = folder.profile ? undefined : await getDefaultProfileOverride(deps.db.kysely, client.id);
      const configured = configuredProfile(client, folder, override);
      let choice: ReturnType<typeof profileForKind> | undefined;
      let profile: ResolvedProfile | undefined;
      const report = await deps.runtime.run({
        path: localPath,
        name: payload.file_name,
        // The engine sniffs the file once and asks for the profile that fits its kind.
        profile: (kind) => {
          choice = profileForKind(configured, kind, client, profileAppliesTo(deps.runtime));
          if (choice.source === 'kind_fallback') {
            log.info(`profile ${configured.profileId} does not apply to ${kind} files; using ${choice.profileId} from ${client.id}'s profiles`);
          }
          return (profile = profileOrFail(deps.runtime, choice.profileId, client));
        },
        client,
        sessionId: session,
        signal: ctx.signal,
        onProgress: (event) => {
          if (event.type === 'check-start') log.info({ check_id: event.check_id }, `Running check ${event.index}/${event.total}: ${event.check_name}`);
        },
      });
      if (!choice || !profile) throw new PermanentJobError(`QC of ${payload.file_name} ran without choosing a profile; this is a bug in aiqc.`);
      const run = qcRunFromReport(report, { jobId: ctx.jobId, clientId: client.id });
      if (!run) throw new PermanentJobError(`QC of ${payload.file_name} produced a report without session, asset or profile; this is a bug in aiqc.`);
      await save(
        {
          ...progress,
          qc: { profile_id: profile.id, profile_source: choice.source, asset_kind: report.asset.kind, score: report.score, verdict: report.verdict },
        },
        async (trx) => void (await saveQcRun(trx, run, clock())),
      );
      await rm(localPath, { force: true });
    }
    const qc = progress.qc!;

    ctx.signal.throwIfAborted();
    // (4) The report, rendered from the stored JSON so every attempt uploads the same bytes.
    const formats = client.report_formats ?? ['html', 'pdf'];
    const wantsPdf = formats.includes('pdf');
    if (!progress.report || (wantsPdf && !progress.report_pdf)) {
      const stored = await getQcRun(deps.db.kysely, session);
      if (!stored) throw new PermanentJobError(`QC run ${session} is missing from the database although job ${ctx.jobId} recorded it; retry the job with \`aiqc jobs retry ${ctx.jobId}\`.`);
      const html = renderHtml(stored.report as QcReport);
      if (!progress.report) {
        const name = reportNameFor(session, payload.file_name);
        const htmlPath = join(workDir, 'report.html');
        await writeFile(htmlPath, html, { mode: 0o600 });
        const uploaded = await boxStep(ctx, () => uploadReportOnce(box, folder.reports_folder_id, name, htmlPath));
        log.info({ report_file_id: uploaded.id, reports_folder_id: folder.reports_folder_id }, `uploaded report ${name} → folder ${folder.reports_folder_id}`);
        await save({ ...progress, report: { file_id: uploaded.id, name, folder_id: folder.reports_folder_id } });
      }
      // (4b) The PDF beside it, so Box previews the report (it shows .html as source code).
      if (wantsPdf && !progress.report_pdf) {
        const renderer = deps.reportPdf?.renderer;
        if (!renderer) {
          const why = deps.reportPdf?.problem ?? 'no PDF renderer configured';
          log.warn({ code: 'report_pdf_unavailable' }, `PDF report not made (HTML only): ${why}`);
          await save({ ...progress, report_pdf: { skipped: why } });
        } else {
          const name = reportNameFor(session, payload.file_name, 'pdf');
          const pdfPath = join(workDir, 'report.pdf');
          const started = Date.now();
          let bytes: Buffer | undefined;
          try {
            bytes = await renderer.render(html, { signal: ctx.signal });
          } catch (error) {
            if (ctx.signal.aborted) throw ctx.signal.reason;
            // The HTML is in REPORTS already: a renderer failure costs the preview, not the report.
            const why = `Chromium could not print the report: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
            log.error({ code: 'report_pdf_failed' }, why);
            await save({ ...progress, report_pdf: { skipped: why } });
          }
          if (bytes) {
            await writeFile(pdfPath, bytes, { mode: 0o600 });
            const uploaded = await boxStep(ctx, () => uploadReportOnce(box, folder.reports_folder_id, name, pdfPath));
            log.info({ report_file_id: uploaded.id, render_ms: Date.now() - started, bytes: bytes.length }, `uploaded report ${name} → folder ${folder.reports_folder_id}`);
            await save({ ...progress, report_pdf: { file_id: uploaded.id, name } });
          }
        }
      }
    }
    const report = progress.report!;

    ctx.signal.throwIfAborted();
    // (5) Archive the source, only now that the report is in REPORTS. Not fatal.
    if (!progress.move) {
      const target = processedNameFor(session, payload.file_name);
      try {
        const processed = await box.findOrCreateFolder(payload.folder_id, PROCESSED_FOLDER_NAME);
        const current = await box.getFileInfo(payload.file_id);
        if (current.parentId === processed.id) {
          log.info(`source already in ${PROCESSED_FOLDER_NAME}/${current.name} (an earlier attempt moved it)`);
          await save({ ...progress, move: { processed_folder_id: processed.id, name: current.name } });
        } else {
          const moved = await box.moveAndRename(payload.file_id, { parentId: processed.id, name: target });
          log.info({ processed_folder_id: processed.id }, `moved source → ${PROCESSED_FOLDER_NAME}/${moved.name}`);
          await save({ ...progress, move: { processed_folder_id: processed.id, name: moved.name } });
        }
      } catch (error) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        // A Box outage may clear: while attempts remain, retry (the re-run starts at this step).
        if (error instanceof BoxApiError && error.transient && ctx.attempt < ctx.maxAttempts) {
          throw new TransientJobError(`moving the source to ${PROCESSED_FOLDER_NAME} failed; will retry: ${error.message}`, {
            code: `box_${error.code}`,
            cause: error,
            ...(error.retryAfterS !== undefined ? { retryAfterMs: error.retryAfterS * 1000 } : {}),
          });
        }
        const message = error instanceof Error ? error.message : String(error);
        log.error({ code: 'box_source_move_error', err: message }, `could not move source to ${PROCESSED_FOLDER_NAME} (the report is in REPORTS; the source stays in INCOMING): ${message}`);
        await save({ ...progress, move: { error: message } });
      }
    }
    const move = progress.move!;

    log.info({ score: qc.score, verdict: qc.verdict, profile_id: qc.profile_id }, `analysis complete for session ${session}, score ${qc.score}`);
    return {
      session_id: session,
      profile_id: qc.profile_id,
      score: qc.score,
      verdict: qc.verdict,
      report_file_id: report.file_id,
      report_name: report.name,
      reports_folder_id: report.folder_id,
      ...(progress.report_pdf && 'file_id' in progress.report_pdf ? { report_pdf_file_id: progress.report_pdf.file_id, report_pdf_name: progress.report_pdf.name } : {}),
      ...(progress.report_pdf && 'skipped' in progress.report_pdf ? { report_pdf_skipped: progress.report_pdf.skipped } : {}),
      ...('error' in move ? { box_source_move_error: move.error } : { moved_to: `${PROCESSED_FOLDER_NAME}/${move.name}` }),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function mappingFor(payload: BoxQcFilePayload, runtime: QcRuntime): { client: ClientConfig; folder: BoxFolderMapping } {
  const mapping = runtime.clients.byIncomingFolder(payload.folder_id);
  if (!mapping || mapping.client.id !== payload.client_id) {
    throw new PermanentJobError(
      `Box folder ${payload.folder_id} is no longer an INCOMING folder of client "${payload.client_id}" in ${runtime.clients.file}; ` +
        'restore the mapping and run `aiqc jobs retry ID`, or leave the file unchecked.',
      { code: 'pipeline_folder_unmapped' },
    );
  }
  return mapping;
}

function profileOrFail(runtime: QcRuntime, profileId: string, client: ClientConfig) {
  try {
    return runtime.profiles.get(profileId);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new PermanentJobError(`Profile "${profileId}" for client "${client.id}" does not exist (${error.message}); fix clients.yaml and retry the job.`, { cause: error });
    }
    throw error;
  }
}

function boxClient(deps: BoxQcJobDeps): BoxClient {
  try {
    return deps.box();
  } catch (error) {
    if (error instanceof BoxConfigError) {
      throw new PermanentJobError(
        `Box is not configured, so aiqc cannot fetch the file: ${error.message.replace(/\s*\n\s*/g, ' ').trim()} Fix: set BOX_JWT_CONFIG_PATH to the Box app's JSON config ` +
          '(or BOX_CLIENT_ID, BOX_CLIENT_SECRET and BOX_ENTERPRISE_ID), restart aiqc, then `aiqc jobs retry ID`.',
        { code: 'box_not_configured', cause: error },
      );
    }
    throw error;
  }
}

/**
 * Upload the report unless this session's report is already there: a retry after a crash
 * between the upload and its checkpoint finds it (same bytes: the client returns it; different
 * bytes: Box's 409 names it, and the session id in the name makes it ours).
 */
async function uploadReportOnce(box: BoxClient, folderId: string, name: string, path: string): Promise<{ id: string }> {
  try {
    return await box.uploadFile({ folderId, name, path });
  } catch (error) {
    if (error instanceof BoxApiError && error.code === 'item_name_in_use') {
      const conflict = (error.contextInfo?.['conflicts'] as Array<{ id?: string; type?: string }> | { id?: string; type?: string } | undefined);
      const first = Array.isArray(conflict) ? conflict[0] : conflict;
      if (first?.id && first.type !== 'folder') return { id: first.id };
    }
    throw error;
  }
}

/**
 * Run a Box call and classify its failure for the queue: 401/403/404 and other refusals go dead
 * at once with the runbook's fix (retrying cannot help); rate limits, 5xx and lost connections,
 * already retried by the client, are retried again later by the queue, honouring Retry-After.
 */
async function boxStep<T>(ctx: JobContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (!(error instanceof BoxApiError)) throw error;
    if (error.transient) {
      throw new TransientJobError(error.message, {
        code: `box_${error.code}`,
        cause: error,
        ...(error.retryAfterS !== undefined ? { retryAfterMs: error.retryAfterS * 1000 } : {}),
      });
    }
    throw new PermanentJobError(error.message, { code: `box_${error.code}`, cause: error });
  }
}
