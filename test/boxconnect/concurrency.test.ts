// Box refresh tokens are single use: N processes × M requests needing one user's token right
// after the emulator expired it must end in exactly one refresh at Box and zero failures, on
// both engines. The refresh is serialised by the database (row lock / immediate transaction),
// not by anything inside one process.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection, openTokens } from '../../src/boxconnect/store.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';
import { connectedUser, startConnectWorld, type ConnectWorld } from './world.js';

const PROCESSES = 4;
const REQUESTS = 8;

interface ChildReport {
  ok: number;
  failures: string[];
  refreshes: number;
  tokenSha256: string;
}

function startChild(t: TestDatabase, w: ConnectWorld, userId: number): Promise<{ child: ChildProcess; report: Promise<ChildReport> }> {
  const child = spawn(process.execPath, ['--experimental-transform-types', '--no-warnings', '--import', './bench/register.mjs', 'test/boxconnect/fixtures/token-client.ts'], {
    env: {
      ...process.env,
      AIQC_TEST_DB_CONFIG: JSON.stringify(t.config),
      AIQC_SECRET_KEY: w.secretKeyEnv,
      BOX_CONNECT_TEST: JSON.stringify({ baseUrls: w.emulator.baseUrls, ...w.app, userId, requests: REQUESTS }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('ready\n')) resolve();
    });
    void exited.then((code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
  });
  const report = exited.then((code) => {
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    if (code !== 0 || !line) throw new Error(`child failed (${code}): ${stderr}\n${stdout}`);
    return JSON.parse(line) as ChildReport;
  });
  return ready.then(() => ({ child, report }));
}

describe.each(ENGINES)('one refresh for many processes (%s)', (engine) => {
  let t: TestDatabase;
  let w: ConnectWorld;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    w = await startConnectWorld();
  });
  afterAll(async () => {
    await w?.emulator.close();
    await t?.cleanup();
  });

  it(`${PROCESSES} processes × ${REQUESTS} requests after /_admin/tokens/expire → exactly one refresh, no failure`, async () => {
    const user = await connectedUser(w, t.db, `conc-${engine}@agency.example`);
    const children = await Promise.all(Array.from({ length: PROCESSES }, () => startChild(t, w, user.userId)));
    const before = w.emulator.core.tokens.refreshCount;
    const expired = await fetch(`${w.emulator.url}/_admin/tokens/expire`, { method: 'POST' });
    expect(expired.status).toBe(200);
    for (const { child } of children) child.stdin?.write('go\n');
    const reports = await Promise.all(children.map((c) => c.report));
    const refreshesAtBox = w.emulator.core.tokens.refreshCount - before;
    console.log(`[${engine}] refreshes at the emulator: ${refreshesAtBox}; per process: ${reports.map((r) => r.refreshes).join(', ')}; ok: ${reports.map((r) => r.ok).join(', ')}`);
    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    expect(reports.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * REQUESTS);
    expect(refreshesAtBox).toBe(1);
    expect(reports.reduce((n, r) => n + r.refreshes, 0)).toBe(1);
    // Every process ends holding the same, new token, which is the one stored.
    expect(new Set(reports.map((r) => r.tokenSha256)).size).toBe(1);
    const row = await findConnection(t.db.kysely, user.userId);
    const stored = openTokens(w.keys, row!);
    expect(stored.accessToken).not.toBe(user.accessToken);
    expect(stored.refreshToken).not.toBe(user.refreshToken);
    expect(row!.version).toBe(2);
  }, 60_000);
});
