import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { serialise, type Lease } from '../job.js';
import { ownedBy } from './owned-by.js';

/**
 * Save the handler's checkpoint. `sideEffect` runs in the same transaction, after the ownership
 * check, so a database side effect and the checkpoint recording it commit together or not at
 * all. False (and nothing written) when the worker no longer owns the job.
 */
export async function saveProgress(
  db: Kysely<Database>,
  lease: Lease,
  progress: unknown,
  now: number,
  sideEffect?: (trx: Kysely<Database>) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('jobs').set({ progress: serialise(progress), updated_at: now }).where(ownedBy(lease)).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (sideEffect) await sideEffect(trx);
    return true;
  });
}
