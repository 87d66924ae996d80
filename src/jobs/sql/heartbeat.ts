import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Lease } from '../job.js';
import { ownedBy } from './owned-by.js';

/** Extend the lease; false when the worker no longer owns the job. */
export async function extendLease(db: Kysely<Database>, lease: Lease, leaseMs: number, now: number): Promise<boolean> {
  const result = await db.updateTable('jobs').set({ lease_until: now + leaseMs, updated_at: now }).where(ownedBy(lease)).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
