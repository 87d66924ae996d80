import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Db, DatabaseCapabilities } from './database.js';
import { boxConnectMigration } from './boxconnect-migration.js';
import { consoleMigration } from './console-migration.js';
import { MigrationError } from './errors.js';

/**
 * The one migration set, written once for SQLite and PostgreSQL. Migrations live in code (not
 * files read at run time) so the built package carries them. Names sort in order; never edit a
 * migration that has shipped — add the next one.
 */
export function migrations(capabilities: DatabaseCapabilities): Record<string, Migration> {
  const id = (column: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    capabilities.autoIncrement === 'identity'
      ? column.primaryKey().generatedByDefaultAsIdentity()
      : column.primaryKey().autoIncrement();

  return {
    '0001_initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'integer', id)
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('dedupe_key', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('max_attempts', 'integer', (c) => c.notNull())
          .addColumn('run_after', 'bigint', (c) => c.notNull())
          .addColumn('lease_until', 'bigint')
          .addColumn('locked_by', 'text')
          .addColumn('last_error', 'text')
          .addColumn('result', 'text')
          .addColumn('progress', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('started_at', 'bigint')
          .addColumn('finished_at', 'bigint')
          .addUniqueConstraint('jobs_dedupe_key_unique', ['dedupe_key'])
          .execute();
        await db.schema.createIndex('jobs_status_run_after').on('jobs').columns(['status', 'run_after']).execute();
        await db.schema.createIndex('jobs_status_lease_until').on('jobs').columns(['status', 'lease_until']).execute();

        await db.schema
          .createTable('qc_runs')
          .addColumn('id', 'integer', id)
          .addColumn('session_id', 'text', (c) => c.notNull().unique())
          .addColumn('job_id', 'integer')
          .addColumn('client_id', 'text')
          .addColumn('asset_name', 'text', (c) => c.notNull())
          .addColumn('asset_kind', 'text', (c) => c.notNull())
          .addColumn('asset_sha256', 'text')
          .addColumn('profile_id', 'text', (c) => c.notNull())
          .addColumn('score', 'integer', (c) => c.notNull())
          .addColumn('verdict', 'text', (c) => c.notNull())
          .addColumn('report', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('qc_runs_job_id').on('qc_runs').column('job_id').execute();

        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'integer', id)
          .addColumn('payload_id', 'text', (c) => c.notNull().unique())
          .addColumn('delivery_id', 'text')
          .addColumn('webhook_id', 'text')
          .addColumn('trigger', 'text', (c) => c.notNull())
          .addColumn('folder_id', 'text')
          .addColumn('file_id', 'text')
          .addColumn('file_version_id', 'text')
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('job_id', 'integer')
          .addColumn('detail', 'text')
          .execute();
        await db.schema
          .createIndex('webhook_deliveries_folder_received')
          .on('webhook_deliveries')
          .columns(['folder_id', 'received_at'])
          .execute();

        await db.schema
          .createTable('box_folder_health')
          .addColumn('folder_id', 'text', (c) => c.primaryKey())
          .addColumn('last_delivery_at', 'bigint')
          .addColumn('missed_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_missed_at', 'bigint')
          .addColumn('webhook_deleted_at', 'bigint')
          .addColumn('deleted_webhook_id', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('client_settings')
          .addColumn('id', 'integer', id)
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('default_profile', 'text', (c) => c.notNull())
          .addColumn('set_at', 'bigint', (c) => c.notNull())
          .addColumn('reverted_at', 'bigint')
          .execute();
        await db.schema.createIndex('client_settings_client').on('client_settings').columns(['client_id', 'id']).execute();
      },
    },
    '0003_console': consoleMigration(capabilities),
    '0004_box_connect': boxConnectMigration(),
    '0005_jobs_due_index': {
      // The claim asks for queued jobs oldest first (run_after, then id). With only
      // (status, run_after), PostgreSQL read and sorted every queued job on every claim: ~3–10 ms
      // a claim at 10,000 queued, so a drain grew with the square of the backlog (issue 18,
      // bench:queue). With id in the index the rows come out in claim order and the LIMIT stops
      // the scan. Not a partial index: the status arrives as a bound parameter, and a generic
      // plan cannot use an index whose predicate names a constant.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_after', 'id']).execute();
        // Without statistics PostgreSQL plans the claim as if the backlog were two rows (bitmap
        // scan, then a sort of every queued job, per claim). Autovacuum's default waits for 20 %
        // of the table to change before it analyzes; a queue table changes in bursts, so analyze
        // after a thousand changes or 2 %.
        if (capabilities.skipLocked) {
          await sql`alter table jobs set (autovacuum_analyze_threshold = 1000, autovacuum_analyze_scale_factor = 0.02)`.execute(db);
        }
      },
    },
  };
}

export interface MigrationOutcome {
  /** Migrations applied by this call, in order (empty when the schema was already current). */
  applied: string[];
  /** Every migration the code knows, in order. */
  known: string[];
}

/** Bring the schema to the latest migration; safe to run from several processes at once. */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const set = migrations(db.capabilities);
  const provider: MigrationProvider = { getMigrations: async () => set };
  const migrator = new Migrator({ db: db.kysely, provider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(
      `Database migration ${failed ? `"${failed}" ` : ''}failed on ${db.description}: ${(error as Error).message ?? String(error)}. ` +
        'Fix the cause (permissions, disk space, a reachable server) and run `aiqc migrate` again.',
      { cause: error },
    );
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    known: Object.keys(set).sort(),
  };
}
