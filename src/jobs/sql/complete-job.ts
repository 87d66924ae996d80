import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { serialise, type Lease } from '../job.js';
import { ownedBy } from './owned-by.js';

/** Mark the job done with its result; false when the worker no longer owns it. */
export async function completeJob(db: Kysely<Database>, lease: Lease, result: unknown, now: number): Promise<boolean> {
  const updated = await db
    .updateTable('jobs')
    .set({ status: 'done', result: serialise(result), lease_until: null, finished_at: now, updated_at: now })
    .where(ownedBy(lease))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
