/**
 * The console's view of the one runs table (qc_runs): Box runs saved by the pipeline, and
 * uploads, which are stored as soon as they are accepted (status queued) and completed by the
 * worker. Listing is keyset-paginated on id so page N costs what page 1 costs.
 */
import type { Kysely } from 'kysely';
import type { Database, QcRunsTable, RunSource, RunStatus } from '../db/schema.js';
import type { Selectable } from 'kysely';

export interface RunSummary {
  id: string;
  rowId: number;
  source: RunSource;
  status: RunStatus;
  clientId: string | null;
  assetName: string;
  assetKind: string;
  profileId: string;
  /** null until the run is done. */
  score: number | null;
  verdict: string | null;
  createdAt: number;
  jobId: number | null;
  boxFileId: string | null;
  progress: RunProgress | null;
  error: string | null;
}

export interface RunProgress {
  i: number;
  n: number;
  check_id: string;
}

export interface RunDetail extends RunSummary {
  report: unknown;
  uploadPath: string | null;
}

type Row = Selectable<QcRunsTable>;

const SUMMARY_COLUMNS = [
  'id',
  'session_id',
  'source',
  'status',
  'client_id',
  'asset_name',
  'asset_kind',
  'profile_id',
  'score',
  'verdict',
  'created_at',
  'job_id',
  'box_file_id',
  'progress',
  'error',
] as const;

function toSummary(row: Pick<Row, (typeof SUMMARY_COLUMNS)[number]>): RunSummary {
  const done = row.status === 'done';
  return {
    id: row.session_id,
    rowId: row.id,
    source: row.source,
    status: row.status,
    clientId: row.client_id,
    assetName: row.asset_name,
    assetKind: row.asset_kind,
    profileId: row.profile_id,
    score: done ? row.score : null,
    verdict: done ? row.verdict : row.status === 'error' ? 'error' : null,
    createdAt: row.created_at,
    jobId: row.job_id,
    boxFileId: row.box_file_id,
    progress: row.progress ? (JSON.parse(row.progress) as RunProgress) : null,
    error: row.error,
  };
}

export interface RunFilter {
  /** Only these clients (a member's); undefined: every run (an admin). */
  visibleClients?: readonly string[];
  client?: string;
  verdict?: string;
  limit: number;
  /** Row id to continue below (from `nextCursor`). */
  before?: number;
}

export async function listRuns(db: Kysely<Database>, filter: RunFilter): Promise<{ runs: RunSummary[]; nextCursor: number | null }> {
  let query = db.selectFrom('qc_runs').select(SUMMARY_COLUMNS).orderBy('id', 'desc').limit(filter.limit + 1);
  if (filter.visibleClients) {
    if (filter.visibleClients.length === 0) return { runs: [], nextCursor: null };
    query = query.where('client_id', 'in', [...filter.visibleClients]);
  }
  if (filter.client) query = query.where('client_id', '=', filter.client);
  if (filter.verdict) query = query.where('verdict', '=', filter.verdict).where('status', '=', 'done');
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit).map(toSummary);
  return { runs: page, nextCursor: rows.length > filter.limit ? page[page.length - 1]!.rowId : null };
}

export async function getRun(db: Kysely<Database>, runId: string): Promise<RunDetail | undefined> {
  const row = await db.selectFrom('qc_runs').selectAll().where('session_id', '=', runId).executeTakeFirst();
  if (!row) return undefined;
  const run: RunDetail = { ...toSummary(row), report: row.status === 'done' ? (JSON.parse(row.report) as unknown) : null, uploadPath: row.upload_path };
  if (run.source === 'box' && run.boxFileId === null && run.jobId !== null) run.boxFileId = await boxFileIdOfJob(db, run.jobId);
  return run;
}

/** The pipeline saves Box runs without the file id; its job's payload names it (for the link to Box). */
async function boxFileIdOfJob(db: Kysely<Database>, jobId: number): Promise<string | null> {
  const job = await db.selectFrom('jobs').select('payload').where('id', '=', jobId).executeTakeFirst();
  const fileId = job ? (JSON.parse(job.payload) as { file_id?: unknown }).file_id : undefined;
  return typeof fileId === 'string' ? fileId : null;
}

export interface NewUploadRun {
  runId: string;
  clientId: string | null;
  profileId: string;
  assetName: string;
  assetKind: string;
  uploadPath: string;
  createdBy: number;
  /** Default "upload"; "my_box" with the file's id for a file picked from the user's own Box. */
  source?: 'upload' | 'my_box';
  boxFileId?: string | null;
}

export async function insertUploadRun(db: Kysely<Database>, run: NewUploadRun, now: number): Promise<void> {
  await db
    .insertInto('qc_runs')
    .values({
      session_id: run.runId,
      client_id: run.clientId,
      asset_name: run.assetName,
      asset_kind: run.assetKind,
      profile_id: run.profileId,
      // Placeholders until the worker stores the report (status says which fields are real).
      score: 0,
      verdict: 'pending',
      report: '{}',
      source: run.source ?? 'upload',
      box_file_id: run.boxFileId ?? null,
      status: 'queued',
      upload_path: run.uploadPath,
      created_by: run.createdBy,
      created_at: now,
    })
    .execute();
}

export async function setRunJob(db: Kysely<Database>, runId: string, jobId: number): Promise<void> {
  await db.updateTable('qc_runs').set({ job_id: jobId }).where('session_id', '=', runId).execute();
}

export async function setRunProgress(db: Kysely<Database>, runId: string, progress: RunProgress): Promise<void> {
  await db.updateTable('qc_runs').set({ status: 'running', progress: JSON.stringify(progress) }).where('session_id', '=', runId).where('status', '!=', 'done').execute();
}

export async function completeRun(
  db: Kysely<Database>,
  runId: string,
  result: { report: unknown; score: number; verdict: string; assetKind: string; sha256: string | null },
): Promise<void> {
  await db
    .updateTable('qc_runs')
    .set({
      status: 'done',
      report: JSON.stringify(result.report),
      score: Math.round(result.score),
      verdict: result.verdict,
      asset_kind: result.assetKind,
      asset_sha256: result.sha256,
      error: null,
    })
    .where('session_id', '=', runId)
    .execute();
}

export async function failRun(db: Kysely<Database>, runId: string, error: string): Promise<void> {
  await db.updateTable('qc_runs').set({ status: 'error', error }).where('session_id', '=', runId).where('status', '!=', 'done').execute();
}
