// `aiqc backup FILE` through the real bin: an online copy taken while another connection keeps
// writing, opened as a database of its own with the same rows; PostgreSQL is refused with the
// pg_dump command. And `aiqc migrate --status` before and after migrating.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest, migrations } from '../../src/db/migrations.js';
import { listQcRuns, saveQcRun } from '../../src/db/qc-runs.js';
import { backupSqlite } from '../../src/ops/sqlite-backup.js';

const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const run = promisify(execFile);

async function aiqc(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('aiqc backup and migrate --status', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiqc-backup-'));
    env = { AIQC_DATA_DIR: join(dir, 'data'), AIQC_CONFIG_DIR: join(dir, 'config') };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('migrate --status lists every migration as pending, then applied', async () => {
    const names = Object.keys(migrations({ skipLocked: false, autoIncrement: 'rowid-alias', notify: false })).sort();
    const before = await aiqc(['migrate', '--status'], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`0 applied, ${names.length} pending`);
    for (const name of names) expect(before.stdout).toMatch(new RegExp(`pending +${name}`));
    expect((await aiqc(['migrate'], env)).code).toBe(0);
    const after = await aiqc(['migrate', '--status'], env);
    expect(after.stdout).toContain(`${names.length} applied, 0 pending`);
    for (const name of names) expect(after.stdout).toMatch(new RegExp(`applied +${name} +\\d{4}-\\d\\d-\\d\\dT`));
  });

  it('backup → open the copy → the same rows, taken while another connection writes', async () => {
    const db: Db = await openDatabase({ engine: 'sqlite', path: join(env.AIQC_DATA_DIR!, 'aiqc.sqlite') });
    await migrateToLatest(db);
    const save = (i: number) =>
      saveQcRun(db.kysely, { sessionId: `s-${i}`, assetName: `a${i}.jpg`, assetKind: 'image', profileId: 'static_general', score: i % 100, verdict: 'pass', report: { session_id: `s-${i}`, n: i, pad: 'x'.repeat(2000) } });
    for (let i = 0; i < 300; i += 1) await save(i);
    // Writes keep landing while the backup runs; the copy is a consistent snapshot of some moment.
    let writing = true;
    let written = 300;
    const writer = (async () => {
      // better-sqlite3 is synchronous: yield to the event loop between writes so the child's exit is seen.
      while (writing) {
        await save(written++);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const target = join(dir, 'copy.sqlite');
    const result = await aiqc(['backup', target], env);
    writing = false;
    await writer;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`→ ${target}`);
    expect(result.stdout).toContain('restore: stop aiqc, then copy');

    const copy = await openDatabase({ engine: 'sqlite', path: target });
    try {
      const copied = await listQcRuns(copy.kysely, { limit: 100_000 });
      const original = new Map((await listQcRuns(db.kysely, { limit: 100_000 })).map((r) => [r.sessionId, r]));
      expect(copied.length).toBeGreaterThanOrEqual(300);
      // Every row in the copy is identical to the original's; the copy is a prefix of the writes.
      for (const row of copied) expect(row).toEqual(original.get(row.sessionId));
      const ids = copied.map((r) => r.id).sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    } finally {
      await copy.close();
      await db.close();
    }

    // A second backup to the same file is refused rather than overwriting it.
    const again = await aiqc(['backup', target], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists: choose a new file name, or pass --force');
  });

  it('refuses PostgreSQL with the pg_dump command, and a missing database with the fix', async () => {
    const pgResult = await aiqc(['backup', join(dir, 'x.sqlite')], { ...env, DATABASE_URL: 'postgres://aiqc:s3cret@db.example:5432/aiqc' });
    expect(pgResult.code).toBe(2);
    expect(pgResult.stderr).toContain('pg_dump --format=custom');
    expect(pgResult.stderr).not.toContain('s3cret');
    await expect(backupSqlite(join(dir, 'nowhere', 'aiqc.sqlite'), join(dir, 'y.sqlite'))).rejects.toThrow(/No SQLite database at .*check AIQC_DATA_DIR/);
    expect(existsSync(join(dir, 'y.sqlite'))).toBe(false);
  });
});
