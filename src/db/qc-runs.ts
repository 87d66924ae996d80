import type { Kysely } from 'kysely';
import type { Database, QcRunRow } from './schema.js';

export interface QcRunInput {
  sessionId: string;
  jobId?: number | null;
  clientId?: string | null;
  assetName: string;
  assetKind: string;
  assetSha256?: string | null;
  profileId: string;
  score: number;
  verdict: string;
  /** The report JSON object (DESIGN §3). */
  report: unknown;
}

export interface QcRun extends Omit<QcRunInput, 'report'> {
  id: number;
  report: unknown;
  createdAt: number;
}

/**
 * The stored fields of a report JSON (DESIGN §3), read from the report itself so the row and the
 * report cannot disagree. Returns undefined when the report lacks what a run record needs.
 */
export function qcRunFromReport(
  report: unknown,
  context: { jobId?: number | null; clientId?: string | null } = {},
): QcRunInput | undefined {
  if (typeof report !== 'object' || report === null) return undefined;
  const r = report as Record<string, unknown>;
  const asset = (r.asset ?? {}) as Record<string, unknown>;
  const profile = (r.profile ?? {}) as Record<string, unknown>;
  if (typeof r.session_id !== 'string' || typeof asset.name !== 'string' || typeof profile.id !== 'string') return undefined;
  if (typeof r.score !== 'number' || typeof r.verdict !== 'string') return undefined;
  return {
    sessionId: r.session_id,
    jobId: context.jobId ?? null,
    clientId: context.clientId ?? null,
    assetName: asset.name,
    assetKind: typeof asset.kind === 'string' ? asset.kind : 'unknown',
    assetSha256: typeof asset.sha256 === 'string' ? asset.sha256 : null,
    profileId: profile.id,
    score: r.score,
    verdict: r.verdict,
    report,
  };
}

function toQcRun(row: QcRunRow): QcRun {
  return {
    id: row.id,
    sessionId: row.session_id,
    jobId: row.job_id,
    clientId: row.client_id,
    assetName: row.asset_name,
    assetKind: row.asset_kind,
    assetSha256: row.asset_sha256,
    profileId: row.profile_id,
    score: row.score,
    verdict: row.verdict,
    report: JSON.parse(row.report) as unknown,
    createdAt: row.created_at,
  };
}

/**
 * Store a QC run. Idempotent by session id: saving the same session again (a job re-run after
 * a crash) returns the row already stored and changes nothing.
 */
export async function saveQcRun(db: Kysely<Database>, run: QcRunInput, now = Date.now()): Promise<QcRun> {
  await db
    .insertInto('qc_runs')
    .values({
      session_id: run.sessionId,
      job_id: run.jobId ?? null,
      client_id: run.clientId ?? null,
      asset_name: run.assetName,
      asset_kind: run.assetKind,
      asset_sha256: run.assetSha256 ?? null,
      profile_id: run.profileId,
      score: Math.round(run.score),
      verdict: run.verdict,
      report: JSON.stringify(run.report),
      created_at: now,
    })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .execute();
  const stored = await getQcRun(db, run.sessionId);
  if (!stored) throw new Error(`QC run ${run.sessionId} vanished right after it was stored`);
  return stored;
}

export async function getQcRun(db: Kysely<Database>, sessionId: string): Promise<QcRun | undefined> {
  const row = await db.selectFrom('qc_runs').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  return row ? toQcRun(row) : undefined;
}

export async function listQcRuns(
  db: Kysely<Database>,
  filter: { jobId?: number; limit?: number } = {},
): Promise<QcRun[]> {
  let query = db.selectFrom('qc_runs').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 100);
  if (filter.jobId !== undefined) query = query.where('job_id', '=', filter.jobId);
  return (await query.execute()).map(toQcRun);
}
