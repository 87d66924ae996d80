// `aiqc prune` against the Box emulator over real HTTP and a real database: 500 reports older
// than the retention period, newer ones, and a person's own file in REPORTS; then the local
// records on both engines, including the runs a worker may still need.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxClient } from '../../src/box/index.js';
import { registerPruneCommand } from '../../src/cli/prune.js';
import type { ClientConfig } from '../../src/config/clients.js';
import { makeClientsConfig } from '../../src/config/clients.js';
import type { Db } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/database.js';
import { listQcRuns, saveQcRun } from '../../src/db/qc-runs.js';
import { countDeliveries, insertDeliveryOnce } from '../../src/db/webhook-deliveries.js';
import { pruneLocalRecords } from '../../src/ops/local-retention.js';
import { startSeededEmulator, type SeededEmulator } from '../box-emulator/fixtures.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';

const DAY = 86_400_000;
const OLD_REPORTS = 500;
const NEW_REPORTS = 20;

/** Seed a job row as the queue would have left it (status and times are what prune reads). */
async function seedJob(db: Db, id: number, status: 'queued' | 'running' | 'done' | 'dead', at: number): Promise<void> {
  await db.kysely
    .insertInto('jobs')
    .values({ id, kind: 'box.qc_file', payload: '{}', dedupe_key: `k${id}`, status, attempts: 1, max_attempts: 3, run_after: at, created_at: at, updated_at: at, lease_until: null, locked_by: null, last_error: null, result: null, progress: null, started_at: null, finished_at: null })
    .execute();
}

async function seedRun(db: Db, session: string, at: number, jobId: number | null, clientId = 'diageo'): Promise<void> {
  await saveQcRun(db.kysely, { sessionId: session, jobId, clientId, assetName: `${session}.jpg`, assetKind: 'image', profileId: 'static_general', score: 90, verdict: 'pass', report: { session_id: session } }, at);
}

describe('aiqc prune on the Box emulator', () => {
  let seed: SeededEmulator;
  let offsetMs = 0;
  let t: TestDatabase;
  let uploadsDir: string;
  const now = Date.now();

  beforeAll(async () => {
    // The emulator's clock is moved back to stamp old reports; tokens are only ever fetched at
    // the real time (a JWT assertion is refused when it expires too far in the emulator's future).
    seed = await startSeededEmulator({ now: () => Date.now() + offsetMs });
    offsetMs = -100 * DAY;
    for (let i = 0; i < OLD_REPORTS; i += 1) {
      seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.reports.id, name: `QC_Report_20260801T0000${String(i).padStart(3, '0')}Z-ab_old${i}.jpg.html`, content: `<p>old ${i}</p>` });
    }
    seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.reports.id, name: 'notes from the client.txt', content: 'keep me' });
    offsetMs = -10 * DAY;
    for (let i = 0; i < NEW_REPORTS; i += 1) {
      seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.reports.id, name: `QC_Report_20261120T000000Z-cd_new${i}.jpg.html`, content: `<p>new ${i}</p>` });
    }
    offsetMs = 0;

    t = await createTestDatabase('sqlite');
    await seedJob(t.db, 1, 'done', now - 120 * DAY);
    await seedRun(t.db, 'old-done', now - 120 * DAY, 1);
    await seedRun(t.db, 'new-run', now - 5 * DAY, null);
    await insertDeliveryOnce(t.db.kysely, { payloadId: 'p-old', trigger: 'FILE.UPLOADED', folderId: seed.incoming.id, receivedAt: now - 95 * DAY, outcome: 'enqueued' });
    await insertDeliveryOnce(t.db.kysely, { payloadId: 'p-new', trigger: 'FILE.UPLOADED', folderId: seed.incoming.id, receivedAt: now - DAY, outcome: 'enqueued' });

    uploadsDir = await mkdtemp(join(tmpdir(), 'aiqc-uploads-'));
    await mkdir(join(uploadsDir, 'u1'));
    await writeFile(join(uploadsDir, 'u1', 'old.png'), Buffer.alloc(1000));
    await utimes(join(uploadsDir, 'u1', 'old.png'), (now - 91 * DAY) / 1000, (now - 91 * DAY) / 1000);
    await writeFile(join(uploadsDir, 'new.png'), Buffer.alloc(10));
  }, 120_000);
  afterAll(async () => {
    await seed?.close();
    await t?.cleanup();
    if (uploadsDir) await rm(uploadsDir, { recursive: true, force: true });
  });

  const box = () =>
    BoxClient.fromEnv({ BOX_JWT_CONFIG_PATH: seed.jwtConfigPath, BOX_API_BASE_URL: seed.emulator.baseUrls.baseUrl, BOX_UPLOAD_BASE_URL: seed.emulator.baseUrls.uploadUrl, BOX_OAUTH2_BASE_URL: seed.emulator.baseUrls.oauth2Url });
  const diageo = (): ClientConfig => ({
    id: 'diageo',
    name: 'Diageo',
    profiles: ['static_general'],
    default_profile: 'static_general',
    folders: [{ incoming_folder_id: seed.incoming.id, reports_folder_id: seed.reports.id }],
  });

  async function prune(...args: string[]): Promise<{ out: string; exitCode: number }> {
    const lines: string[] = [];
    let exitCode = 0;
    const program = new Command().exitOverride();
    registerPruneCommand(program, {
      withDb: async (fn) => {
        const db = await openDatabase(t.config);
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      },
      box,
      loadClients: async () => makeClientsConfig('/etc/aiqc/clients.yaml', [diageo()]),
      uploadsDir,
      out: (line) => lines.push(line),
      setExitCode: (code) => (exitCode = code),
    });
    await program.parseAsync(['prune', ...args], { from: 'user' });
    return { out: lines.join('\n'), exitCode };
  }

  const reportNames = async () => (await box().listAllItems(seed.reports.id)).map((i) => i.name);

  it('a dry run counts the 500 old reports, the old run, delivery and upload, and changes nothing', async () => {
    const result = await prune('--older-than', '90d', '--dry-run');
    expect(result.out).toContain('Dry run: nothing is changed.');
    expect(result.out).toContain(`REPORTS ${seed.reports.id} (diageo): would move ${OLD_REPORTS} reports to Box's trash`);
    expect(result.out).toContain('local: would delete 1 QC runs and 1 webhook delivery records');
    expect(result.out).toContain('uploads: would delete 1 files (0.0 MB)');
    expect(result.exitCode).toBe(0);
    expect(await reportNames()).toHaveLength(OLD_REPORTS + NEW_REPORTS + 1);
    expect((await listQcRuns(t.db.kysely)).map((r) => r.sessionId).sort()).toEqual(['new-run', 'old-done']);
    expect(await countDeliveries(t.db.kysely)).toBe(2);
  });

  it('the real run trashes exactly the old reports and keeps new ones and a person\'s own file', async () => {
    const result = await prune('--older-than', '90d');
    expect(result.out).toContain(`REPORTS ${seed.reports.id} (diageo): moved ${OLD_REPORTS} reports to Box's trash`);
    expect(result.out).toContain('local: deleted 1 QC runs and 1 webhook delivery records');
    expect(result.out).toContain('uploads: deleted 1 files');
    expect(result.exitCode).toBe(0);
    const left = await reportNames();
    expect(left).toHaveLength(NEW_REPORTS + 1);
    expect(left).toContain('notes from the client.txt');
    expect(left.filter((n) => n.includes('_old'))).toEqual([]);
    // In Box's trash, not gone: restorable there (DELETE /files/:id trashes, as on Box).
    const trashed = [...seed.emulator.admin.state.files.values()].filter((f) => f.parentId === seed.reports.id && f.trashedAt);
    expect(trashed).toHaveLength(OLD_REPORTS);
    expect(trashed.every((f) => f.name.includes('_old'))).toBe(true);
    expect((await listQcRuns(t.db.kysely)).map((r) => r.sessionId)).toEqual(['new-run']);
    expect(await countDeliveries(t.db.kysely)).toBe(1);

    // A second run finds nothing left to do.
    const again = await prune('--older-than', '90d');
    expect(again.out).toContain('moved 0 reports');
    expect(again.out).toContain('local: deleted 0 QC runs and 0 webhook delivery records');
  });

  it('refuses a duration it cannot read and an unknown client, naming the fix', async () => {
    await expect(prune('--older-than', '90 days')).rejects.toThrow(/--older-than "90 days" is not a duration: .*e\.g\. 90d/);
    await expect(prune('--older-than', '90d', '--client', 'nobody')).rejects.toThrow(/unknown client "nobody" in \/etc\/aiqc\/clients.yaml: use one of diageo/);
  });
});

describe.each(ENGINES)('local retention on %s keeps what workers still need', (engine) => {
  let t: TestDatabase;
  const now = Date.now();
  const old = now - 200 * DAY;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const statuses = ['queued', 'running', 'done', 'dead'] as const;
    for (const [i, status] of statuses.entries()) {
      await seedJob(t.db, i + 1, status, old);
      await seedRun(t.db, `old-${status}`, old, i + 1);
    }
    await seedRun(t.db, 'old-no-job', old, null);
    await seedRun(t.db, 'old-other-client', old, null, 'acme');
    await seedRun(t.db, 'old-job-gone', old, 99);
    await seedRun(t.db, 'recent', now - DAY, null);
    await insertDeliveryOnce(t.db.kysely, { payloadId: 'a', trigger: 'FILE.UPLOADED', folderId: 'F1', receivedAt: old, outcome: 'enqueued' });
    await insertDeliveryOnce(t.db.kysely, { payloadId: 'b', trigger: 'FILE.UPLOADED', folderId: 'F2', receivedAt: old, outcome: 'enqueued' });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('--client limits runs and deliveries to that client; queued, running and dead jobs keep their runs', async () => {
    const cutoff = now - 90 * DAY;
    const diageo = { id: 'diageo', incomingFolderIds: ['F1'] };
    expect(await pruneLocalRecords(t.db.kysely, { cutoff, dryRun: true, client: diageo })).toEqual({ qcRuns: 3, deliveries: 1 });
    expect(await pruneLocalRecords(t.db.kysely, { cutoff, dryRun: false, client: diageo })).toEqual({ qcRuns: 3, deliveries: 1 });
    const left = (await listQcRuns(t.db.kysely)).map((r) => r.sessionId).sort();
    expect(left).toEqual(['old-dead', 'old-other-client', 'old-queued', 'old-running', 'recent']);
    expect(await pruneLocalRecords(t.db.kysely, { cutoff, dryRun: false })).toEqual({ qcRuns: 1, deliveries: 1 });
    const rows = await sql<{ n: number }>`select count(*) as n from qc_runs`.execute(t.db.kysely);
    expect(Number(rows.rows[0]!.n)).toBe(4);
  });
});
