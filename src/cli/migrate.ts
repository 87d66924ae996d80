import type { Command } from 'commander';
import type { Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrations.js';
import { asUsageErrors } from './storage-errors.js';

export interface MigrateCommandDeps {
  /** Open the database WITHOUT migrating, run `fn`, close it. */
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  stdout: (text: string) => void;
}

/** `aiqc migrate`: bring the database schema up to date (safe to repeat, safe to run concurrently). */
export function registerMigrateCommand(program: Command, deps: MigrateCommandDeps): Command {
  return program
    .command('migrate')
    .description('create or upgrade the database schema (SQLite under AIQC_DATA_DIR, or DATABASE_URL)')
    .action(() =>
      asUsageErrors(async () => {
        const { outcome, where } = await deps.withDb(async (db) => ({ outcome: await migrateToLatest(db), where: db.description }));
        deps.stdout(
          outcome.applied.length > 0
            ? `${where}: applied ${outcome.applied.join(', ')}\n`
            : `${where}: schema is up to date (${outcome.known.length} migration${outcome.known.length === 1 ? '' : 's'})\n`,
        );
      }),
    );
}
