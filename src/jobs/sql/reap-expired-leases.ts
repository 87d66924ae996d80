import { sql, type Kysely } from 'kysely';
import type { Database, JobStatus } from '../../db/schema.js';

/**
 * Requeue running jobs whose lease expired (their worker was killed or hung). A job that has
 * used all its attempts goes dead instead.
 */
export async function reapExpiredLeases(db: Kysely<Database>, now: number): Promise<{ requeued: number; dead: number }> {
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then(sql.lit('dead')).else(sql.lit('queued')).end().$castTo<JobStatus>(),
      finished_at: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then(now).else(null).end(),
      last_error: sql<string>`'lease expired: worker ' || coalesce(locked_by, '?') || ' stopped heartbeating before the job finished'`,
      lease_until: null,
      run_after: now,
      updated_at: now,
    }))
    .where('status', '=', 'running')
    .where('lease_until', '<', now)
    .returning('status')
    .execute();
  const dead = rows.filter((r) => r.status === 'dead').length;
  return { requeued: rows.length - dead, dead };
}
