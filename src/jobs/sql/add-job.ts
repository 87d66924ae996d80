import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { toJob, type Job } from '../job.js';

/** Channel on which enqueue notifies idle workers (PostgreSQL only; workers still poll). */
export const JOBS_NOTIFY_CHANNEL = 'aiqc_jobs';

export interface NewJob {
  kind: string;
  /** Already validated against the kind's schema. */
  payload: unknown;
  dedupeKey: string | null;
  maxAttempts: number;
  runAfter: number;
}

/**
 * Insert a job, or return the one that already holds its dedupe key (`created: false`, nothing
 * written): `INSERT … ON CONFLICT (dedupe_key) DO NOTHING`, then read the existing row back.
 * Runs on the caller's executor, so it can share the caller's transaction.
 */
export async function addJob(db: Kysely<Database>, job: NewJob, now: number, notify: boolean): Promise<{ job: Job; created: boolean }> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      kind: job.kind,
      payload: JSON.stringify(job.payload),
      dedupe_key: job.dedupeKey,
      status: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_after: job.runAfter,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) {
    // Delivered on commit of the surrounding transaction, so a worker never wakes too early.
    if (notify) await sql`select pg_notify(${JOBS_NOTIFY_CHANNEL}, ${job.kind})`.execute(db);
    return { job: toJob(inserted), created: true };
  }
  const existing = await db.selectFrom('jobs').selectAll().where('dedupe_key', '=', job.dedupeKey ?? '').executeTakeFirst();
  if (!existing) throw new Error(`Job with dedupe key "${job.dedupeKey}" conflicted on insert but cannot be read back`);
  return { job: toJob(existing), created: false };
}
