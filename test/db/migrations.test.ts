import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactConnectionString } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { ENGINES, createTestDatabase, type TestDatabase } from './test-databases.js';

describe('redactConnectionString', () => {
  it('never shows the password when describing a connection', () => {
    expect(redactConnectionString('postgres://aiqc:s3cret@db:5432/aiqc')).not.toContain('s3cret');
  });
});

describe.each(ENGINES)('migrations on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine, { migrate: false });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('creates every table, then applies nothing on a second run (also from a second connection)', async () => {
    const first = await migrateToLatest(t.db);
    expect(first.applied).toEqual(['0001_initial', '0003_console', '0004_box_connect', '0005_jobs_due_index']);
    const other = await t.openAnother();
    const again = await migrateToLatest(other);
    expect(again.applied).toEqual([]);
    expect(again.known).toEqual(['0001_initial', '0003_console', '0004_box_connect', '0005_jobs_due_index']);
    const tables = (await t.db.kysely.introspection.getTables()).map((table) => table.name).sort();
    expect(tables).toEqual(
      expect.arrayContaining(['api_tokens', 'box_connections', 'box_folder_health', 'box_oauth_states', 'client_settings', 'jobs', 'qc_runs', 'sessions', 'user_clients', 'users', 'webhook_deliveries']),
    );
  });

  it('generates integer ids and round-trips epoch-ms times as numbers', async () => {
    const at = Date.UTC(2026, 10, 23, 6, 27, 53, 123);
    const a = await t.db.kysely
      .insertInto('jobs')
      .values({ kind: 'x', payload: '{}', status: 'queued', max_attempts: 1, attempts: 0, run_after: at, created_at: at, updated_at: at })
      .returning(['id', 'run_after'])
      .executeTakeFirstOrThrow();
    const b = await t.db.kysely
      .insertInto('jobs')
      .values({ kind: 'x', payload: '{}', status: 'queued', max_attempts: 1, attempts: 0, run_after: at, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(typeof a.id).toBe('number');
    expect(b.id).toBeGreaterThan(a.id);
    expect(a.run_after).toBe(at);
    await sql`delete from jobs`.execute(t.db.kysely);
  });

  it('answers ping', async () => {
    await expect(t.db.ping()).resolves.toBeUndefined();
  });
});
