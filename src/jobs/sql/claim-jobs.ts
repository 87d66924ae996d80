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
 * Claim up to `limit` due jobs of the given kinds, oldest first, in one statement: PostgreSQL
 * skips rows other workers are claiming; SQLite runs the claim in an immediate transaction,
 * which holds the database's write lock, so two processes never claim one row.
 */
export async function claimJobs(db: Kysely<Database>, request: ClaimRequest, now: number): Promise<Job[]> {
  if (request.kinds.length === 0 || request.limit < 1) return [];
  return db.transaction().execute(async (trx) => {
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
  });
}
