import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Lease } from '../job.js';
import { ownedBy } from './owned-by.js';

/** Give a running job back untouched (graceful shutdown): the attempt does not count. */
export async function releaseJob(db: Kysely<Database>, lease: Lease, now: number): Promise<boolean> {
  const updated = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'queued', attempts: eb('attempts', '-', 1), lease_until: null, run_after: now, updated_at: now }))
    .where(ownedBy(lease))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
