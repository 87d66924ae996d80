import type { Kysely } from 'kysely';
import type { Database, JobStatus } from '../../db/schema.js';
import { toJob, type Job } from '../job.js';

/** One job by id or by dedupe key; several, newest first, by status and kind. */
export async function getJob(db: Kysely<Database>, by: { id: number } | { dedupeKey: string }): Promise<Job | undefined> {
  const query = db.selectFrom('jobs').selectAll();
  const row = await ('id' in by ? query.where('id', '=', by.id) : query.where('dedupe_key', '=', by.dedupeKey)).executeTakeFirst();
  return row ? toJob(row) : undefined;
}

export async function listJobs(db: Kysely<Database>, filter: { status?: JobStatus; kind?: string; limit?: number }): Promise<Job[]> {
  let query = db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 50);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  return (await query.execute()).map(toJob);
}
