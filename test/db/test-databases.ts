import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseConfig, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';

/** Every storage and queue suite runs once per engine. */
export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export const TEST_DATABASE_URL = process.env.AIQC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  engine: Engine;
  db: Db;
  /** Config a child process can use to open the same database. */
  config: DatabaseConfig;
  /** Open another, independent connection (pool) to the same database. */
  openAnother(): Promise<Db>;
  cleanup(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a temp SQLite file, or a new PostgreSQL schema
 * (so files can run in parallel). PostgreSQL being unreachable is a failure, never a skip.
 */
export async function createTestDatabase(engine: Engine, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const label = `${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  let config: DatabaseConfig;
  let dropStorage: () => Promise<void>;
  if (engine === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'aiqc-db-'));
    config = { engine: 'sqlite', path: join(dir, 'aiqc.sqlite') };
    dropStorage = () => rm(dir, { recursive: true, force: true });
  } else {
    const schema = `aiqc_test_${label}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(
        `PostgreSQL is unreachable at ${TEST_DATABASE_URL} (${(error as Error).message}). The storage and queue suites run on ` +
          'PostgreSQL too and never skip it: start PostgreSQL or set AIQC_TEST_DATABASE_URL to a reachable server.',
        { cause: error },
      );
    }
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    config = { engine: 'postgres', connectionString: TEST_DATABASE_URL, searchPath: schema, maxConnections: 5 };
    dropStorage = async () => {
      const cleaner = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleaner.connect();
      await cleaner.query(`drop schema if exists "${schema}" cascade`);
      await cleaner.end();
    };
  }
  const db = await openDatabase(config);
  if (options.migrate ?? true) await migrateToLatest(db);
  const others: Db[] = [];
  return {
    engine,
    db,
    config,
    async openAnother() {
      const other = await openDatabase(config);
      others.push(other);
      return other;
    },
    async cleanup() {
      for (const other of others) await other.close().catch(() => {});
      await db.close().catch(() => {});
      await dropStorage();
    },
  };
}
