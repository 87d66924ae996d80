import { sql, type Kysely } from 'kysely';
import type { Database, JobRow } from '../../db/schema.js';
import { serialise, type Job, type Lease } from '../job.js';
import { dueJobIds, leaseCandidates, sortedJobs, type ClaimRequest } from './claim-jobs.js';
import { completeJob } from './complete-job.js';
import { ownedBy } from './owned-by.js';

/**
 * Mark a job done and claim the worker's next jobs in one commit: a busy worker then pays one
 * commit (one WAL flush) per job instead of two, which is what bounds a queue's throughput
 * (bench:queue). Both writes commit or neither does: a failure leaves the job running under its
 * lease, as a failed `completeJob` would. `owned` is false when the worker no longer owns the
 * job (its result is then discarded); the claim happens either way.
 *
 * PostgreSQL: one statement, the completion and the claim as data-modifying CTEs (they touch
 * different rows: the finished job is `running`, the candidates `queued`). SQLite: both in the
 * immediate transaction the claim needs anyway.
 */
export async function completeAndClaim(
  db: Kysely<Database>,
  lease: Lease,
  result: unknown,
  request: ClaimRequest,
  now: number,
): Promise<{ owned: boolean; jobs: Job[] }> {
  if (!request.skipLocked || request.kinds.length === 0 || request.limit < 1) {
    return db.transaction().execute(async (trx) => {
      const owned = await completeJob(trx, lease, result, now);
      if (request.kinds.length === 0 || request.limit < 1) return { owned, jobs: [] };
      const claimed = await leaseCandidates(trx.with('candidates', (q) => dueJobIds(q, request, now)), request, now).execute();
      return { owned, jobs: sortedJobs(claimed) };
    });
  }
  const rows = await db
    .with('done', (q) =>
      q
        .updateTable('jobs')
        .set({ status: 'done', result: serialise(result), lease_until: null, finished_at: now, updated_at: now })
        .where(ownedBy(lease))
        .returning('id'),
    )
    .with('candidates', (q) => dueJobIds(q, request, now))
    .with('claimed', (q) => leaseCandidates(q, request, now))
    // One row even when nothing was claimed, to carry the completion's count.
    .selectFrom((eb) => eb.selectFrom('done').select(sql<number>`count(*)::int`.as('completed')).as('d'))
    .leftJoin('claimed', (join) => join.onTrue())
    .selectAll('claimed')
    .select('d.completed')
    .execute();
  const claimed = rows.filter((row) => row.id !== null) as unknown as JobRow[];
  return { owned: rows[0]?.completed === 1, jobs: sortedJobs(claimed) };
}
