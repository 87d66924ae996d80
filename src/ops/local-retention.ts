/**
 * Local retention: stored QC runs, webhook delivery records and console uploads older than a
 * cutoff. Safe beside running workers: a QC run is kept while its job may still need it (a
 * queued, running or dead job renders its report from the stored run, and a dead one can be
 * retried); every delete is one statement, so a worker never sees half a prune.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface LocalPruneOptions {
  cutoff: number;
  dryRun: boolean;
  /** Only this client's runs, and deliveries for its INCOMING folders. */
  client?: { id: string; incomingFolderIds: readonly string[] };
}

export interface LocalPruneResult {
  qcRuns: number;
  deliveries: number;
}

const UNFINISHED_OR_RETRYABLE = ['queued', 'running', 'dead'] as const;

export async function pruneLocalRecords(db: Kysely<Database>, options: LocalPruneOptions): Promise<LocalPruneResult> {
  const { cutoff, client } = options;
  const runs = () => {
    let q = db
      .selectFrom('qc_runs')
      .select('id')
      .where('created_at', '<', cutoff)
      .where((eb) =>
        eb.or([
          eb('job_id', 'is', null),
          eb.not(eb.exists(eb.selectFrom('jobs').select('jobs.id').whereRef('jobs.id', '=', 'qc_runs.job_id').where('jobs.status', 'in', UNFINISHED_OR_RETRYABLE))),
        ]),
      );
    if (client) q = q.where('client_id', '=', client.id);
    return q;
  };
  // A client without Box folders has no deliveries of its own.
  const deliveryFolders = client ? [...client.incomingFolderIds] : undefined;
  const deliveries = () => {
    const q = db.selectFrom('webhook_deliveries').select('id').where('received_at', '<', cutoff);
    return deliveryFolders ? q.where('folder_id', 'in', deliveryFolders) : q;
  };
  const pruneDeliveries = deliveryFolders === undefined || deliveryFolders.length > 0;
  if (options.dryRun) {
    return {
      qcRuns: (await runs().execute()).length,
      deliveries: pruneDeliveries ? (await deliveries().execute()).length : 0,
    };
  }
  const deletedRuns = await db.deleteFrom('qc_runs').where('id', 'in', runs()).executeTakeFirst();
  const deletedDeliveries = pruneDeliveries ? Number((await db.deleteFrom('webhook_deliveries').where('id', 'in', deliveries()).executeTakeFirst()).numDeletedRows) : 0;
  return { qcRuns: Number(deletedRuns.numDeletedRows), deliveries: deletedDeliveries };
}

export interface UploadsPruneResult {
  files: number;
  bytes: number;
}

/** Files under `dir` (recursively) last modified before `cutoff`; a missing folder is empty. */
export async function pruneUploads(dir: string, options: { cutoff: number; dryRun: boolean }): Promise<UploadsPruneResult> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: 0, bytes: 0 };
    throw error;
  }
  const result: UploadsPruneResult = { files: 0, bytes: 0 };
  for (const entry of entries) {
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.mtimeMs >= options.cutoff) continue;
    if (!options.dryRun) await rm(path, { force: true });
    result.files += 1;
    result.bytes += info.size;
  }
  return result;
}
