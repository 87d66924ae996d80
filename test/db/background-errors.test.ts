// A PostgreSQL connection that fails outside any query (server restart, network, an admin's
// pg_terminate_backend) used to vanish without a word: the pool's and the LISTEN client's
// 'error' events were swallowed, so a worker silently stopped hearing NOTIFY. Now both are
// reported, and the pool still serves the next query.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { TEST_DATABASE_URL } from './test-databases.js';

async function waitFor(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PostgreSQL connections lost outside a query', () => {
  it('reports the pool\'s idle connection and the LISTEN connection, then reconnects', async () => {
    // A name of our own, so only this test's connections are terminated on the shared server.
    const applicationName = `aiqc-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const backgroundErrors: Error[] = [];
    const listenErrors: Error[] = [];
    const db = await openDatabase(
      { engine: 'postgres', connectionString: TEST_DATABASE_URL, maxConnections: 2, applicationName },
      { onBackgroundError: (error) => backgroundErrors.push(error) },
    );
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await db.ping(); // leaves one idle connection in the pool
      const unlisten = await db.listen!('aiqc_background_test', () => {}, (error) => listenErrors.push(error));
      const { rows } = await admin.query<{ n: number }>(
        'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = $1',
        [applicationName],
      );
      expect(rows[0]!.n).toBe(2);
      await waitFor('both errors reported', () => backgroundErrors.length > 0 && listenErrors.length > 0);
      expect(backgroundErrors[0]!.message).toMatch(/terminat/i);
      expect(listenErrors[0]!.message).toMatch(/terminat/i);
      await unlisten();
      await expect(db.ping()).resolves.toBeUndefined();
    } finally {
      await admin.end();
      await db.close();
    }
  });
});
