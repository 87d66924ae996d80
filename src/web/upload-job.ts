/**
 * The QC job for a file uploaded through the console or API: the same durable queue as Box
 * files, so uploads survive a restart, are retried, show in /jobs and can be run by any worker.
 * The run row exists from the moment the upload was accepted; this job fills it in.
 */
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { defineJob, handleJob, type JobHandler } from '../jobs/definition.js';
import { PermanentJobError } from '../jobs/errors.js';
import type { JobContext } from '../jobs/definition.js';
import type { QcRuntime } from '../app/runtime.js';
import { completeRun, failRun, getRun, setRunProgress } from './run-store.js';
import type { RunEvents } from './run-events.js';

export const uploadQcPayload = z.object({
  run_id: z.string().min(1),
  /** The stored upload under AIQC_DATA_DIR/uploads. */
  path: z.string().min(1),
  name: z.string().min(1),
  client_id: z.string().min(1).nullable(),
  profile_id: z.string().min(1),
});
export type UploadQcPayload = z.output<typeof uploadQcPayload>;

export const UPLOAD_QC_JOB = 'upload.qc_file';
export const uploadQcJob = defineJob(UPLOAD_QC_JOB, { payload: uploadQcPayload, maxAttempts: 2 });

export function uploadDedupeKey(runId: string): string {
  return `upload:${runId}`;
}

export interface UploadJobDeps {
  db: Db;
  runtime: QcRuntime;
  events: RunEvents;
}

export function createUploadQcHandler(deps: UploadJobDeps): JobHandler {
  return handleJob(uploadQcJob, (payload, ctx) => runUploadQc(payload, ctx, deps));
}

export async function runUploadQc(payload: UploadQcPayload, ctx: JobContext, deps: UploadJobDeps): Promise<{ run_id: string; verdict: string; score: number }> {
  const existing = await getRun(deps.db.kysely, payload.run_id);
  if (!existing) throw new PermanentJobError(`Run ${payload.run_id} is gone (removed by retention?); nothing to check.`, { code: 'run_missing' });
  if (existing.status === 'done') return { run_id: payload.run_id, verdict: existing.verdict ?? 'error', score: existing.score ?? 0 };
  try {
    if (!deps.runtime.profiles.has(payload.profile_id)) {
      throw new PermanentJobError(`Profile "${payload.profile_id}" no longer exists; upload the file again with another profile.`, { code: 'profile_missing' });
    }
    const client = payload.client_id ? deps.runtime.clients.get(payload.client_id) : undefined;
    // One write after another: concurrent writes could land (and notify) out of order, leaving
    // an older check as the run's progress and watchers seeing 5, 6, 4.
    let progressWrites: Promise<void> = Promise.resolve();
    const report = await deps.runtime.run({
      path: payload.path,
      name: payload.name,
      profile: deps.runtime.profiles.get(payload.profile_id),
      ...(client ? { client } : {}),
      sessionId: payload.run_id,
      signal: ctx.signal,
      onProgress: (event) => {
        if (event.type !== 'check-start') return;
        const progress = { i: event.index, n: event.total, check_id: event.check_id };
        progressWrites = progressWrites
          .then(async () => {
            await setRunProgress(deps.db.kysely, payload.run_id, progress);
            await deps.events.publish({ type: 'progress', run_id: payload.run_id, ...progress });
          })
          .catch((error: unknown) => {
            ctx.logger.warn({ err: (error as Error).message }, 'could not record run progress');
          });
      },
    });
    await progressWrites;
    await ctx.checkpoint({ done: true }, (trx) =>
      completeRun(trx, payload.run_id, { report, score: report.score, verdict: report.verdict, assetKind: report.asset.kind, sha256: report.asset.sha256 ?? null }),
    );
    await deps.events.publish({ type: 'done', run_id: payload.run_id, verdict: report.verdict, score: report.score });
    ctx.logger.info({ run_id: payload.run_id, verdict: report.verdict, score: report.score }, `upload ${payload.name} checked: ${report.verdict}`);
    return { run_id: payload.run_id, verdict: report.verdict, score: report.score };
  } catch (error) {
    const last = ctx.attempt >= ctx.maxAttempts || (error as { permanent?: boolean }).permanent === true;
    if (last && !ctx.signal.aborted) {
      const message = error instanceof Error ? error.message : String(error);
      await failRun(deps.db.kysely, payload.run_id, message);
      await deps.events.publish({ type: 'done', run_id: payload.run_id, verdict: 'error', score: 0 });
    }
    throw error;
  }
}
