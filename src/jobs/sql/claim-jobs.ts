import type { Kysely, QueryCreator } from 'kysely';
import type { Database, JobRow } from '../../db/schema.js';
import { toJob, type Job } from '../job.js';

export interface ClaimRequest {
  workerId: string;
  kinds: readonly string[];
  limit: number;
  leaseMs: number;
  /** `FOR UPDATE SKIP LOCKED` exists (PostgreSQL); else the immediate transaction's write lock serialises claims (SQLite). */
  skipLocked: boolean;
}

type Db = QueryCreator<Database> | Kysely<Database>;

/** Ids of up to `limit` due jobs of the given kinds, oldest first (the `candidates` CTE). */
export function dueJobIds(db: Db, request: ClaimRequest, now: number) {
  return db
    .selectFrom('jobs')
    .select('id')
    .where('status', '=', 'queued')
    .where('run_after', '<=', now)
    .where('kind', 'in', [...request.kinds])
    .orderBy('run_after')
    .orderBy('id')
    .limit(request.limit)
    .$if(request.skipLocked, (s) => s.forUpdate().skipLocked());
}

/** Lease the jobs named by the `candidates` CTE to the worker, returning them. */
export function leaseCandidates(db: QueryCreator<Database & { candidates: { id: number } }>, request: ClaimRequest, now: number) {
  return db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      attempts: eb('attempts', '+', 1),
      locked_by: request.workerId,
      lease_until: now + request.leaseMs,
      started_at: now,
      updated_at: now,
    }))
    .where('id', 'in', (eb) => eb.selectFrom('candidates').select('candidates.id'))
    .where('status', '=', 'queued')
    .returningAll();
}

export function sortedJobs(rows: readonly JobRow[]): Job[] {
  return rows.map(toJob).sort((a, b) => a.runAfter - b.runAfter || a.id - b.id);
}

/**
 * Claim up to `limit` due jobs of the given kinds, oldest first, in one statement. On
 * PostgreSQL that statement is the whole claim: its `FOR UPDATE SKIP LOCKED` row locks keep two
 * workers off one row, so it runs without BEGIN/COMMIT (two round trips fewer per claim;
 * bench:queue). SQLite runs it in an immediate transaction, which holds the database's write
 * lock from the select to the update, so two processes never claim one row.
 */
export async function claimJobs(db: Kysely<Database>, request: ClaimRequest, now: number): Promise<Job[]> {
  if (request.kinds.length === 0 || request.limit < 1) return [];
  const claimIn = async (trx: Kysely<Database>): Promise<Job[]> =>
    sortedJobs(await leaseCandidates(trx.with('candidates', (q) => dueJobIds(q, request, now)), request, now).execute());
  return request.skipLocked ? claimIn(db) : db.transaction().execute(claimIn);
}
