// `aiqc prune --older-than 90d [--client C] [--dry-run]`: retention. Old reports in each
// client's REPORTS folder go to Box's trash (restorable there); old local QC runs, webhook
// delivery records and console uploads are deleted. Prints what it did (or would do). Safe from
// cron while workers run: see src/ops/local-retention.ts and src/ops/box-reports.ts.
import type { Command } from 'commander';
import type { BoxClient } from '../box/client.js';
import type { ClientConfig, ClientsConfig } from '../config/clients.js';
import type { Db } from '../db/database.js';
import { listOldReports, trashFiles } from '../ops/box-reports.js';
import { DurationError, parseDuration } from '../ops/duration.js';
import { pruneLocalRecords, pruneUploads } from '../ops/local-retention.js';
import { EXIT_QC_FAILED, UsageError } from './errors.js';
import { asUsageErrors } from './storage-errors.js';

export interface PruneCommandDeps {
  /** Open the database (migrated), run `fn`, close it. */
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  /** The process's Box client; throws BoxConfigError when credentials are missing. */
  box: () => BoxClient;
  loadClients: () => Promise<ClientsConfig>;
  /** Where console uploads are kept (`$AIQC_DATA_DIR/uploads`). */
  uploadsDir: string;
  out: (line: string) => void;
  setExitCode: (code: number) => void;
  clock?: () => number;
}

interface PruneOptions {
  olderThan: string;
  client?: string;
  dryRun?: boolean;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function registerPruneCommand(program: Command, deps: PruneCommandDeps): Command {
  return program
    .command('prune')
    .description("delete what is older than a retention period: reports in REPORTS go to Box's trash, local QC runs, delivery records and uploads are deleted")
    .requiredOption('--older-than <duration>', 'retention period, e.g. 90d, 12w, 48h')
    .option('--client <id>', 'only this client (clients.yaml id)')
    .option('--dry-run', 'print what would be pruned and change nothing')
    .action((options: PruneOptions) =>
      asUsageErrors(async () => {
        let ageMs: number;
        try {
          ageMs = parseDuration(options.olderThan);
        } catch (error) {
          if (error instanceof DurationError) throw new UsageError(`--older-than ${error.message}`);
          throw error;
        }
        const now = (deps.clock ?? Date.now)();
        const cutoff = now - ageMs;
        const dryRun = options.dryRun === true;
        const deleteVerb = dryRun ? 'would delete' : 'deleted';
        const clients = await deps.loadClients();
        let selected: ClientConfig[] = clients.clients;
        if (options.client !== undefined) {
          const one = clients.get(options.client);
          if (!one) throw new UsageError(`unknown client "${options.client}" in ${clients.file}: use one of ${clients.clients.map((c) => c.id).join(', ') || '(none configured)'}`);
          selected = [one];
        }
        deps.out(`${dryRun ? 'Dry run: nothing is changed. ' : ''}Pruning what is older than ${options.olderThan} (before ${day(cutoff)}).`);

        // 1. Box: each REPORTS folder once, even when several INCOMING folders share it.
        const boxFailed = await pruneBoxReports(deps, selected, cutoff, dryRun);

        // 2. Local records and uploads.
        const client = options.client !== undefined ? { id: selected[0]!.id, incomingFolderIds: selected[0]!.folders.map((f) => f.incoming_folder_id) } : undefined;
        const local = await deps.withDb((db) => pruneLocalRecords(db.kysely, { cutoff, dryRun, ...(client ? { client } : {}) }));
        deps.out(`local: ${deleteVerb} ${local.qcRuns} QC runs and ${local.deliveries} webhook delivery records`);
        if (client) {
          deps.out('uploads: left alone (uploads are not kept per client; run without --client to prune them)');
        } else {
          const uploads = await pruneUploads(deps.uploadsDir, { cutoff, dryRun });
          deps.out(`uploads: ${deleteVerb} ${uploads.files} files (${(uploads.bytes / 1e6).toFixed(1)} MB) under ${deps.uploadsDir}`);
        }
        if (boxFailed) deps.setExitCode(EXIT_QC_FAILED);
      }),
    );
}

/** Returns true when some report could not be moved to the trash (exit 1, the rest still done). */
async function pruneBoxReports(deps: PruneCommandDeps, clients: readonly ClientConfig[], cutoff: number, dryRun: boolean): Promise<boolean> {
  const folders = new Map<string, string[]>();
  for (const c of clients) for (const f of c.folders) folders.set(f.reports_folder_id, [...(folders.get(f.reports_folder_id) ?? []), c.id]);
  if (folders.size === 0) {
    deps.out('Box: no REPORTS folders configured; nothing to do there');
    return false;
  }
  let box: BoxClient;
  try {
    box = deps.box();
  } catch (error) {
    deps.out(`Box: not configured (${(error as Error).message.split('\n')[0]}); REPORTS folders left alone`);
    return false;
  }
  let failed = false;
  let total = 0;
  for (const [folderId, owners] of folders) {
    const label = `REPORTS ${folderId} (${[...new Set(owners)].join(', ')})`;
    let old;
    try {
      old = await listOldReports(box, folderId, cutoff);
    } catch (error) {
      failed = true;
      deps.out(`${label}: FAILED to list — ${(error as Error).message}`);
      continue;
    }
    if (dryRun) {
      deps.out(`${label}: would move ${old.length} reports to Box's trash`);
      total += old.length;
      continue;
    }
    const outcomes = await trashFiles(box, old);
    const trashed = outcomes.filter((o) => o.outcome === 'trashed').length;
    const gone = outcomes.filter((o) => o.outcome === 'already_gone').length;
    const errors = outcomes.filter((o) => o.outcome === 'failed');
    total += trashed;
    deps.out(`${label}: moved ${trashed} reports to Box's trash${gone ? `, ${gone} already gone` : ''}${errors.length ? `, ${errors.length} FAILED` : ''}`);
    for (const e of errors.slice(0, 5)) if (e.outcome === 'failed') deps.out(`    ${e.file.name} (file ${e.file.id}): ${e.error}`);
    if (errors.length > 0) failed = true;
  }
  deps.out(`Box: ${dryRun ? 'would move' : 'moved'} ${total} reports to the trash in all (restorable from Box's trash until the enterprise's trash retention ends)`);
  return failed;
}
