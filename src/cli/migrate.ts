import type { Command } from 'commander';
import type { Db } from '../db/database.js';
import { migrationStatus } from '../db/migration-status.js';
import { migrateToLatest } from '../db/migrations.js';
import { asUsageErrors } from './storage-errors.js';

export interface MigrateCommandDeps {
  /** Open the database WITHOUT migrating, run `fn`, close it. */
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  stdout: (text: string) => void;
}

/**
 * `aiqc migrate`: bring the database schema up to date (safe to repeat, safe to run
 * concurrently). `--status` lists each migration as applied or pending and changes nothing.
 */
export function registerMigrateCommand(program: Command, deps: MigrateCommandDeps): Command {
  return program
    .command('migrate')
    .description('create or upgrade the database schema (SQLite under AIQC_DATA_DIR, or DATABASE_URL)')
    .option('--status', 'list applied and pending migrations; change nothing')
    .action((options: { status?: boolean }) =>
      asUsageErrors(async () => {
        if (options.status) {
          const { states, where } = await deps.withDb(async (db) => ({ states: await migrationStatus(db), where: db.description }));
          const pending = states.filter((s) => s.appliedAt === undefined).length;
          deps.stdout(`${where}: ${states.length - pending} applied, ${pending} pending\n`);
          for (const s of states) {
            deps.stdout(`  ${s.appliedAt === undefined ? 'pending' : 'applied'}  ${s.name}${s.appliedAt === undefined ? '' : `  ${new Date(s.appliedAt).toISOString()}`}\n`);
          }
          return;
        }
        const { outcome, where } = await deps.withDb(async (db) => ({ outcome: await migrateToLatest(db), where: db.description }));
        deps.stdout(
          outcome.applied.length > 0
            ? `${where}: applied ${outcome.applied.join(', ')}\n`
            : `${where}: schema is up to date (${outcome.known.length} migration${outcome.known.length === 1 ? '' : 's'})\n`,
        );
      }),
    );
}
