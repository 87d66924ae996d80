import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DatabaseCapabilities } from './database.js';

/**
 * 0003: the web console (DESIGN §9). Accounts (users, their clients, sessions, API tokens), who
 * changed a client's default profile, and what the runs table needs to hold uploads too: where a
 * run came from, its status while it is queued or running, the uploaded file and who sent it.
 *
 * qc_runs keeps its NOT NULL score/verdict/report columns (SQLite cannot relax a constraint
 * without rebuilding the table): a queued or running upload holds score 0, verdict "pending"
 * and report "{}" until the worker finishes it, and `status` says which fields are real.
 */
export function consoleMigration(capabilities: DatabaseCapabilities): Migration {
  const id = (column: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    capabilities.autoIncrement === 'identity'
      ? column.primaryKey().generatedByDefaultAsIdentity()
      : column.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'integer', id)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('user_clients')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_clients_pk', ['user_id', 'client_id'])
        .execute();
      await db.schema
        .createTable('sessions')
        // SHA-256 of the cookie value: a copy of the table does not let anyone sign in.
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'integer', id)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();

      // Who set or reverted an override (an e-mail, or "cli:<os user>").
      await db.schema.alterTable('client_settings').addColumn('set_by', 'text').execute();
      await db.schema.alterTable('client_settings').addColumn('reverted_by', 'text').execute();

      await db.schema.alterTable('qc_runs').addColumn('source', 'text', (c) => c.notNull().defaultTo('box')).execute();
      await db.schema.alterTable('qc_runs').addColumn('status', 'text', (c) => c.notNull().defaultTo('done')).execute();
      await db.schema.alterTable('qc_runs').addColumn('upload_path', 'text').execute();
      await db.schema.alterTable('qc_runs').addColumn('created_by', 'integer').execute();
      await db.schema.alterTable('qc_runs').addColumn('box_file_id', 'text').execute();
      await db.schema.alterTable('qc_runs').addColumn('progress', 'text').execute();
      await db.schema.alterTable('qc_runs').addColumn('error', 'text').execute();
      // The history page filters by client and verdict, newest first, 50 at a time.
      await db.schema.createIndex('qc_runs_client_id').on('qc_runs').columns(['client_id', 'id']).execute();
      await db.schema.createIndex('qc_runs_verdict_id').on('qc_runs').columns(['verdict', 'id']).execute();
      // Box runs already stored name their file in their job's payload; copy it so the run page links to it.
      const boxRuns = await sql<{ id: number; payload: string }>`select r.id, j.payload from qc_runs r join jobs j on j.id = r.job_id`.execute(db);
      for (const row of boxRuns.rows) {
        const fileId = (JSON.parse(row.payload) as { file_id?: unknown }).file_id;
        if (typeof fileId === 'string') await sql`update qc_runs set box_file_id = ${fileId} where id = ${row.id}`.execute(db);
      }
    },
  };
}
