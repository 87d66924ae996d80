import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { toJob, type Job } from '../job.js';

export interface ClaimRequest {
  workerId: string;
  kinds: readonly string[];
  limit: number;
  leaseMs: number;
  /** `FOR UPDATE SKIP LOCKED` exists (PostgreSQL); else the immediate transaction's write lock serialises claims (SQLite). */
  skipLocked: boolean;
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
  const claimIn = async (trx: Kysely<Database>): Promise<Job[]> => {
    const rows = await trx
      .with('candidates', (q) =>
        q
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'queued')
          .where('run_after', '<=', now)
          .where('kind', 'in', [...request.kinds])
          .orderBy('run_after')
          .orderBy('id')
          .limit(request.limit)
          .$if(request.skipLocked, (s) => s.forUpdate().skipLocked()),
      )
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
      .returningAll()
      .execute();
    return rows.map(toJob).sort((a, b) => a.runAfter - b.runAfter || a.id - b.id);
  };
  return request.skipLocked ? claimIn(db) : db.transaction().execute(claimIn);
}
