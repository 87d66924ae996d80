import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * 0004: per-user Box connections (DESIGN §10). One row per console user: who they are at Box,
 * their token pair encrypted (AES-256-GCM, `key_id` names the key), when the access token
 * expires, and `version`, bumped by every write so a refresh can compare-and-swap. A broken
 * connection (Box said invalid_grant) keeps its row with the reason until the user reconnects.
 * `box_oauth_states` holds the nonces of OAuth `state` values already used (single use).
 */
export function boxConnectMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('box_connections')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('box_user_id', 'text', (c) => c.notNull())
        .addColumn('box_user_name', 'text', (c) => c.notNull())
        .addColumn('box_user_login', 'text', (c) => c.notNull())
        .addColumn('tokens', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('access_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('connected_at', 'bigint', (c) => c.notNull())
        .addColumn('refreshed_at', 'bigint')
        .addColumn('broken_at', 'bigint')
        .addColumn('broken_reason', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('box_oauth_states')
        .addColumn('nonce', 'text', (c) => c.primaryKey())
        .addColumn('used_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
