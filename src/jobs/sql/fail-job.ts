import { sql, type Kysely } from 'kysely';
import type { Database, JobStatus } from '../../db/schema.js';
import type { Lease } from '../job.js';
import { ownedBy } from './owned-by.js';

export interface JobFailure {
  error: string;
  permanent: boolean;
  retryInMs: number;
}

/**
 * Record a failed attempt: dead when `permanent` or out of attempts, otherwise queued again
 * after `retryInMs`. The new status, or undefined when the worker no longer owns the job.
 */
export async function failJob(db: Kysely<Database>, lease: Lease, failure: JobFailure, now: number): Promise<'queued' | 'dead' | undefined> {
  const row = await db
    .updateTable('jobs')
    .set((eb) => {
      const dead = failure.permanent ? sql<boolean>`true` : eb('attempts', '>=', eb.ref('max_attempts'));
      return {
        status: eb.case().when(dead).then(sql.lit('dead')).else(sql.lit('queued')).end().$castTo<JobStatus>(),
        finished_at: eb.case().when(dead).then(now).else(null).end(),
        run_after: now + Math.max(0, Math.round(failure.retryInMs)),
        last_error: failure.error,
        lease_until: null,
        updated_at: now,
      };
    })
    .where(ownedBy(lease))
    .returning('status')
    .executeTakeFirst();
  return row ? (row.status as 'queued' | 'dead') : undefined;
}
