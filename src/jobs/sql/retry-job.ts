import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { toJob, type Job } from '../job.js';

/** Put a dead job back in the queue with a fresh set of attempts; undefined if it is not dead. */
export async function retryDeadJob(db: Kysely<Database>, id: number, now: number): Promise<Job | undefined> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'queued', attempts: 0, run_after: now, lease_until: null, locked_by: null, finished_at: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .returningAll()
    .executeTakeFirst();
  return row ? toJob(row) : undefined;
}
