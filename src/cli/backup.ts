// `aiqc backup FILE`: an online copy of the SQLite database, safe while aiqc runs. PostgreSQL
// deployments back up with pg_dump (the message says how); aiqc does not wrap it.
import type { Command } from 'commander';
import type { DatabaseConfig } from '../db/database.js';
import { redactConnectionString } from '../db/database.js';
import { BackupError, backupSqlite } from '../ops/sqlite-backup.js';
import { UsageError } from './errors.js';

export interface BackupCommandDeps {
  dbConfig: () => DatabaseConfig;
  out: (line: string) => void;
}

export function registerBackupCommand(program: Command, deps: BackupCommandDeps): Command {
  return program
    .command('backup')
    .description('copy the SQLite database to FILE while aiqc keeps running (PostgreSQL: use pg_dump)')
    .argument('<file>', 'where to write the copy (must not exist unless --force)')
    .option('--force', 'replace FILE if it exists')
    .action(async (file: string, options: { force?: boolean }) => {
      const config = deps.dbConfig();
      if (config.engine === 'postgres') {
        throw new UsageError(
          `aiqc backup copies the embedded SQLite database, but DATABASE_URL points at PostgreSQL (${redactConnectionString(config.connectionString)}). ` +
            'Back it up with pg_dump, e.g. `pg_dump --format=custom --file=aiqc.dump "$DATABASE_URL"` (restore: `pg_restore --clean --dbname="$DATABASE_URL" aiqc.dump`).',
        );
      }
      try {
        const result = await backupSqlite(config.path, file, { overwrite: options.force === true });
        deps.out(`backed up ${config.path} → ${result.path} (${result.pages} pages)`);
        deps.out(`restore: stop aiqc, then copy ${result.path} to ${config.path} (and delete any ${config.path}-wal and -shm beside it)`);
      } catch (error) {
        if (error instanceof BackupError) throw new UsageError(error.message);
        throw error;
      }
    });
}
