import type { Kysely } from 'kysely';
import type { Database, JobStatus } from '../../db/schema.js';

/** How many jobs are in each status (for /metrics and `aiqc jobs`). */
export async function countJobsByStatus(db: Kysely<Database>): Promise<Record<JobStatus, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, dead: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** Kinds of waiting or running jobs (the worker refuses to start if it cannot run one of them). */
export async function pendingJobKinds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('jobs').select('kind').distinct().where('status', 'in', ['queued', 'running']).execute();
  return rows.map((r) => r.kind);
}
