/** The API's request and response shapes (DESIGN §9); the OpenAPI 3.1 document is generated from these. */
import { z } from 'zod';
import { JOB_STATUSES, RUN_SOURCES, RUN_STATUSES } from '../../db/schema.js';
import type { Job } from '../../jobs/queue.js';
import type { ClientView } from '../../web/console-service.js';
import type { RunSummary } from '../../web/run-store.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: 'Error' });

export const VERDICTS = ['pass', 'warn', 'fail', 'error'] as const;

export const runProgress = z.object({ i: z.number().int(), n: z.number().int(), check_id: z.string() });

export const runSummary = z
  .object({
    run_id: z.string(),
    source: z.enum(RUN_SOURCES),
    status: z.enum(RUN_STATUSES),
    client_id: z.string().nullable(),
    asset_name: z.string(),
    asset_kind: z.string(),
    profile_id: z.string(),
    score: z.number().nullable(),
    verdict: z.string().nullable(),
    created_at: z.string(),
    job_id: z.number().nullable(),
    box_file_id: z.string().nullable(),
    progress: runProgress.nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'RunSummary' });

export function runSummaryJson(run: RunSummary): z.output<typeof runSummary> {
  return {
    run_id: run.id,
    source: run.source,
    status: run.status,
    client_id: run.clientId,
    asset_name: run.assetName,
    asset_kind: run.assetKind,
    profile_id: run.profileId,
    score: run.score,
    verdict: run.verdict,
    created_at: iso(run.createdAt)!,
    job_id: run.jobId,
    box_file_id: run.boxFileId,
    progress: run.progress,
    error: run.error,
  };
}

export const runsQuery = z.object({
  client: z.string().min(1).optional(),
  verdict: z.enum(VERDICTS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().min(1).optional().describe('next_cursor of the previous page'),
});

export const runsPage = z.object({ runs: z.array(runSummary), next_cursor: z.string().nullable() });

/** The report JSON of DESIGN §3 (null until done) with the run's source and status. */
export const runDetail = runSummary.extend({ report: z.record(z.string(), z.unknown()).nullable() }).meta({ id: 'Run' });

export const runIdParams = z.object({ id: z.string().min(1).max(100) });
export const clientIdParams = z.object({ id: z.string().min(1).max(200) });
export const jobIdParams = z.object({ id: z.coerce.number().int().min(1) });

export const checkAccepted = z.object({ run_id: z.string(), profile_id: z.string(), status_url: z.string(), events_url: z.string() });

const folderHealth = z.object({
  incoming_folder_id: z.string(),
  reports_folder_id: z.string(),
  profile: z.string().nullable(),
  last_delivery_at: z.string().nullable(),
  missed_uploads: z.number(),
  last_missed_at: z.string().nullable(),
  webhook_deleted_at: z.string().nullable(),
});

export const clientJson = z
  .object({
    id: z.string(),
    name: z.string(),
    profiles: z.array(z.string()),
    configured_default_profile: z.string(),
    default_profile: z.string(),
    override: z.string().nullable(),
    folders: z.array(folderHealth),
    history: z.array(z.object({ profile: z.string(), set_at: z.string(), set_by: z.string().nullable(), reverted_at: z.string().nullable(), reverted_by: z.string().nullable() })),
  })
  .meta({ id: 'Client' });

export function clientViewJson(view: ClientView): z.output<typeof clientJson> {
  return {
    id: view.id,
    name: view.name,
    profiles: view.profiles,
    configured_default_profile: view.configuredDefault,
    default_profile: view.effectiveDefault,
    override: view.override ?? null,
    folders: view.folders.map((f) => ({
      incoming_folder_id: f.incomingFolderId,
      reports_folder_id: f.reportsFolderId,
      profile: f.profile ?? null,
      last_delivery_at: iso(f.health?.lastDeliveryAt ?? null),
      missed_uploads: f.health?.missedCount ?? 0,
      last_missed_at: iso(f.health?.lastMissedAt ?? null),
      webhook_deleted_at: iso(f.health?.webhookDeletedAt ?? null),
    })),
    history: view.history.map((h) => ({ profile: h.profileId, set_at: iso(h.setAt)!, set_by: h.setBy, reverted_at: iso(h.revertedAt), reverted_by: h.revertedBy })),
  };
}

export const setDefaultProfileBody = z.object({ profile: z.string().min(1) });

export const jobJson = z
  .object({
    id: z.number(),
    kind: z.string(),
    status: z.enum(JOB_STATUSES),
    attempts: z.number(),
    max_attempts: z.number(),
    last_error: z.string().nullable(),
    payload: z.unknown(),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'Job' });

export function jobJsonOf(job: Job): z.output<typeof jobJson> {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    last_error: job.lastError,
    payload: job.payload,
    created_at: iso(job.createdAt)!,
    updated_at: iso(job.updatedAt)!,
    finished_at: iso(job.finishedAt),
  };
}

export const jobsQuery = z.object({ status: z.enum(JOB_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export const profileJson = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    applies_to: z.array(z.string()),
    source: z.string(),
    checks: z.array(z.object({ id: z.string(), name: z.string(), severity: z.string() })),
  })
  .meta({ id: 'Profile' });
