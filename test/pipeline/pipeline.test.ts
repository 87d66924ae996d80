// The Box pipeline end to end over real HTTP: Box emulator → signed webhook → aiqc's server →
// durable job → worker → report in REPORTS and source in INCOMING/_PROCESSED.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listFolderHealth } from '../../src/db/box-folder-health.js';
import { listQcRuns } from '../../src/db/qc-runs.js';
import { writeDocxSample, writeImageSample, writePdfSample, writeVideoSample, type DemoSample } from '../../src/demo/samples.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { Worker } from '../../src/jobs/worker.js';
import { boxQcFileJob } from '../../src/pipeline/job-definition.js';
import { createBoxQcFileHandler, type BoxQcResult } from '../../src/pipeline/job.js';
import { ENGINES } from '../db/test-databases.js';
import { boxEventBody, signedHeaders } from '../server/support.js';
import { leftovers, startWorld, type World } from './harness.js';

interface AssetCase {
  kind: string;
  make: (dir: string) => Promise<DemoSample>;
}

/** One line per asset family on main; add video and PDF (writeVideoSample, writePdfSample) as they land. */
const ASSET_CASES: AssetCase[] = [
  { kind: 'image', make: (dir) => writeImageSample(dir, 'key visual 1080.jpg') },
  { kind: 'video', make: (dir) => writeVideoSample(dir, process.env.FFMPEG_PATH ?? 'ffmpeg', 'spot 720p.mp4') },
  { kind: 'pdf', make: (dir) => writePdfSample(dir, 'flyer A4.pdf') },
];

let samplesDir: string;
beforeAll(async () => {
  samplesDir = await mkdtemp(join(tmpdir(), 'aiqc-pipeline-samples-'));
});
afterAll(async () => {
  await rm(samplesDir, { recursive: true, force: true });
});

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function sample(make: AssetCase['make']): Promise<DemoSample> {
  const dir = await mkdtemp(join(samplesDir, 's-'));
  return make(dir);
}

describe.each(ENGINES)('Box pipeline on %s', (engine) => {
  it.each(ASSET_CASES)('$kind: report in REPORTS, source in _PROCESSED, own echoes ignored, temp files gone', async ({ kind, make }) => {
    world = await startWorld({ engine });
    const asset = await sample(make);
    const file = world.upload(asset.name, await readFile(asset.path));
    const job = await world.waitForJob(file);
    expect(job.status, job.lastError ?? '').toBe('done');
    const result = job.result as BoxQcResult;
    expect(result.box_source_move_error).toBeUndefined();
    // A real check ran: the family's probe read the file (no "no video support" error verdict).
    expect(result.verdict).not.toBe('error');
    expect(result.profile_id).not.toBe('file_basic');

    const [run] = await listQcRuns(world.t.db.kysely, { jobId: job.id });
    expect(run).toMatchObject({ sessionId: result.session_id, assetKind: kind, clientId: 'acme', score: result.score });

    const reportName = `QC_Report_${result.session_id}_${asset.name}.html`;
    const reports = world.itemsIn(world.reports.id).filter((i) => i.type === 'file');
    expect(reports.map((r) => r.name)).toEqual([reportName]);
    const html = world.seed.emulator.admin.state.blobs.get(world.seed.emulator.admin.state.files.get(reports[0]!.id)!.versions.at(-1)!.id)!.toString('utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain(asset.name);

    const processed = world.processedFolder();
    expect(processed).toBeDefined();
    expect(world.itemsIn(processed!.id)).toEqual([{ type: 'file', id: file.id, name: `${result.session_id}_${asset.name}` }]);
    expect(world.itemsIn(world.incoming.id).filter((i) => i.type === 'file')).toEqual([]);

    // The report upload (REPORTS sits under INCOMING) and the move into _PROCESSED came back as
    // FILE.UPLOADED deliveries: stored as ignored, no new job.
    await world.seed.emulator.admin.waitForDeliveries();
    const deliveries = await world.t.db.kysely.selectFrom('webhook_deliveries').select(['outcome', 'detail']).execute();
    expect(deliveries.map((d) => d.outcome).sort()).toEqual(['enqueued', 'ignored', 'ignored']);
    expect(await world.jobCount()).toBe(1);

    const text = world.logs.map((l) => l.msg);
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^Box webhook: dispatching session=${result.session_id} client=acme profile=\\w+ file_id=${file.id}$`)));
    expect(text).toContainEqual(expect.stringMatching(/^downloaded /));
    expect(text).toContainEqual(expect.stringMatching(/^Running check 1\/\d+: /));
    expect(text).toContain(`uploaded report ${reportName} → folder ${world.reports.id}`);
    expect(text).toContain(`moved source → _PROCESSED/${result.session_id}_${asset.name}`);
    expect(text).toContain(`analysis complete for session ${result.session_id}, score ${result.score}`);
    expect(await leftovers(world)).toEqual([]);
  });
});

describe('Box pipeline webhook edge cases (SQLite)', () => {
  it('a repeated delivery and a duplicate event for one file version make one job', async () => {
    world = await startWorld({ engine: 'sqlite', runWorker: false });
    const asset = await sample((dir) => writeImageSample(dir));
    const file = world.upload(asset.name, await readFile(asset.path));
    await world.seed.emulator.admin.waitForDeliveries();
    const [delivery] = world.seed.emulator.admin.deliveries();
    expect(delivery?.status).toBe(200);
    // Box's retry of the same payload (same id, new delivery id and timestamp)…
    const again = await fetch(world.webhookUrl, { method: 'POST', body: delivery!.body, headers: signedHeaders(delivery!.body) });
    expect(await again.json()).toMatchObject({ status: 'duplicate_delivery' });
    // …and a second event for the same file version (a new payload id).
    const version = file.versions.at(-1)!.id;
    const other = boxEventBody({ id: 'other-event', fileId: file.id, fileVersionId: version, name: asset.name, parentId: world.incoming.id });
    const dup = await fetch(world.webhookUrl, { method: 'POST', body: other, headers: signedHeaders(other) });
    expect(dup.status).toBe(200);
    expect(await dup.json()).toMatchObject({ status: 'duplicate_event' });
    expect(await world.jobCount()).toBe(1);
  });

  it('a bad signature or a stale timestamp gets 401 and nothing is stored', async () => {
    world = await startWorld({ engine: 'sqlite', runWorker: false, registerWebhook: false });
    const body = boxEventBody({ parentId: world.incoming.id });
    const forged = await fetch(world.webhookUrl, { method: 'POST', body, headers: signedHeaders(body, { keys: { primary: 'not-the-key' } }) });
    expect(forged.status).toBe(401);
    const stale = await fetch(world.webhookUrl, { method: 'POST', body, headers: signedHeaders(body, { at: Date.now() - 11 * 60_000 }) });
    expect(stale.status).toBe(401);
    expect(await world.t.db.kysely.selectFrom('webhook_deliveries').selectAll().execute()).toEqual([]);
    expect(await world.jobCount()).toBe(0);
  });

  it('an unknown folder and a .docx get 2xx and no job', async () => {
    world = await startWorld({ engine: 'sqlite' });
    const admin = world.seed.emulator.admin;
    const elsewhere = admin.createFolder({ name: 'Not a client', ownerId: world.seed.owner.id });
    admin.collaborate({ folderId: elsewhere.id, userId: world.seed.serviceAccount.id, role: 'editor' });
    await world.box.createWebhook({ targetId: elsewhere.id, address: world.webhookUrl });
    const image = await sample((dir) => writeImageSample(dir));
    admin.uploadAs({ userId: world.seed.owner.id, folderId: elsewhere.id, name: image.name, content: await readFile(image.path) });
    const docx = await sample((dir) => writeDocxSample(dir));
    world.upload(docx.name, await readFile(docx.path));
    await admin.waitForDeliveries();
    expect(admin.deliveries().map((d) => d.status)).toEqual([200, 200]);
    const outcomes = await world.t.db.kysely.selectFrom('webhook_deliveries').select(['outcome', 'detail']).orderBy('id').execute();
    expect(outcomes).toEqual([
      { outcome: 'unknown_folder', detail: `no client configured for Box folder ${elsewhere.id}` },
      { outcome: 'non_qc_extension', detail: 'skipping non-QC extension .docx' },
    ]);
    expect(await world.jobCount()).toBe(0);
  });
});

describe('Box pipeline failures (SQLite)', () => {
  it('REPORTS not writable: the job dies with the fix and the source stays in INCOMING', async () => {
    world = await startWorld({ engine: 'sqlite', readOnlyReports: true });
    const asset = await sample((dir) => writeImageSample(dir));
    const file = world.upload(asset.name, await readFile(asset.path));
    const job = await world.waitForJob(file);
    expect(job.status).toBe('dead');
    expect(job.attempts).toBe(1);
    expect(job.lastError).toMatch(/403/);
    expect(job.lastError).toMatch(/Invite .* as an Editor collaborator/);
    expect(world.itemsIn(world.incoming.id)).toContainEqual({ type: 'file', id: file.id, name: asset.name });
    expect(world.processedFolder()).toBeUndefined();
    expect(await leftovers(world)).toEqual([]);
  });

  it('a failed move leaves the job done with box_source_move_error and the report in REPORTS', async () => {
    world = await startWorld({ engine: 'sqlite' });
    world.seed.emulator.admin.injectFault({ method: 'PUT', path: '/2.0/files/*', status: 403, code: 'access_denied_insufficient_permissions', times: 0 });
    const asset = await sample((dir) => writeImageSample(dir));
    const file = world.upload(asset.name, await readFile(asset.path));
    const job = await world.waitForJob(file);
    expect(job.status).toBe('done');
    const result = job.result as BoxQcResult;
    expect(result.box_source_move_error).toMatch(/403/);
    expect(result.moved_to).toBeUndefined();
    expect(world.itemsIn(world.reports.id).map((i) => i.name)).toEqual([`QC_Report_${result.session_id}_${asset.name}.html`]);
    expect(world.itemsIn(world.incoming.id)).toContainEqual({ type: 'file', id: file.id, name: asset.name });
  });

  it('a move that keeps failing with 503 is retried by the queue from the move step, not from the start', async () => {
    world = await startWorld({ engine: 'sqlite' });
    // Five 503s exhaust the client's own retries on the first attempt.
    world.seed.emulator.admin.injectFault({ method: 'PUT', path: '/2.0/files/*', status: 503, times: 5 });
    const asset = await sample((dir) => writeImageSample(dir));
    const file = world.upload(asset.name, await readFile(asset.path));
    const job = await world.waitForJob(file);
    expect(job.status, job.lastError ?? '').toBe('done');
    expect(job.attempts).toBe(2);
    const result = job.result as BoxQcResult;
    expect(result.moved_to).toBe(`_PROCESSED/${result.session_id}_${asset.name}`);
    expect(await world.t.db.kysely.selectFrom('qc_runs').select('session_id').execute()).toHaveLength(1);
    expect(world.logs.filter((l) => l.msg.startsWith('downloaded '))).toHaveLength(1);
    expect(world.itemsIn(world.reports.id)).toHaveLength(1);
  });

  it('injected 429 (Retry-After) and 5xx answers are retried until the job completes', async () => {
    world = await startWorld({ engine: 'sqlite' });
    const admin = world.seed.emulator.admin;
    admin.injectFault({ method: 'GET', path: '/2.0/files/*/content', status: 429, retryAfter: 1, times: 1 });
    admin.injectFault({ method: 'POST', path: '/api/2.0/files/content', status: 503, times: 2 });
    admin.injectFault({ method: 'POST', path: '/2.0/folders', status: 500, times: 1 });
    const asset = await sample((dir) => writeImageSample(dir));
    const file = world.upload(asset.name, await readFile(asset.path));
    const job = await world.waitForJob(file);
    expect(job.status, job.lastError ?? '').toBe('done');
    expect((job.result as BoxQcResult).box_source_move_error).toBeUndefined();
    expect(admin.faults().every((f) => f.remaining === 0)).toBe(true);
    expect(world.itemsIn(world.reports.id)).toHaveLength(1);
    expect(world.itemsIn(world.processedFolder()!.id)).toHaveLength(1);
  });
});

describe('Box pipeline re-runs (SQLite)', () => {
  it('a report already in REPORTS from a crashed attempt (different bytes) counts as uploaded: still one report', async () => {
    world = await startWorld({ engine: 'sqlite', runWorker: false });
    const asset = await sample((dir) => writeImageSample(dir));
    const file = world.upload(asset.name, await readFile(asset.path));
    await world.seed.emulator.admin.waitForDeliveries();
    const [queued] = await world.pipeline.queue.list();
    const session = (queued!.payload as { session_id: string }).session_id;
    // What an attempt that died between its upload and its checkpoint leaves behind.
    const earlier = world.seed.emulator.admin.uploadAs({
      userId: world.seed.serviceAccount.id,
      folderId: world.reports.id,
      name: `QC_Report_${session}_${asset.name}.html`,
      content: '<!doctype html><title>rendered by an older aiqc</title>',
    });
    const worker = new Worker({
      // Only the Box kind: this worker runs no console uploads.
      queue: new JobQueue({ db: world.t.db, definitions: [boxQcFileJob] }),
      handlers: [createBoxQcFileHandler({ box: () => world!.box, runtime: world.runtime, db: world.t.db, tmpRoot: world.tmpRoot })],
      pollMs: 25,
    });
    await worker.start();
    try {
      const job = await world.waitForJob(file);
      expect(job.status, job.lastError ?? '').toBe('done');
      expect((job.result as BoxQcResult).report_file_id).toBe(earlier.id);
      expect(world.itemsIn(world.reports.id).map((i) => i.id)).toEqual([earlier.id]);
      expect(world.itemsIn(world.processedFolder()!.id).map((i) => i.id)).toEqual([file.id]);
    } finally {
      await worker.stop(1_000);
    }
  });
});

describe('Box sweeper (SQLite)', () => {
  it('recovers an upload whose webhook delivery never arrived and counts it as missed', async () => {
    world = await startWorld({ engine: 'sqlite', registerWebhook: false });
    // Box's delivery goes to an address nobody listens on: aiqc never hears of the upload.
    await world.box.createWebhook({ targetId: world.incoming.id, address: 'http://127.0.0.1:9/api/box/webhook' });
    const asset = await sample((dir) => writeImageSample(dir));
    const file = world.upload(asset.name, await readFile(asset.path));
    const swept = await world.pipeline.sweeper!.sweepOnce();
    expect(swept.enqueued).toMatchObject([{ fileId: file.id, fileVersionId: file.versions.at(-1)!.id, folderId: world.incoming.id }]);
    const job = await world.waitForJob(file);
    expect(job.status, job.lastError ?? '').toBe('done');
    expect(world.itemsIn(world.processedFolder()!.id)).toHaveLength(1);
    expect((await world.pipeline.sweeper!.sweepOnce()).enqueued).toEqual([]);
    const [health] = await listFolderHealth(world.t.db.kysely);
    expect(health).toMatchObject({ folderId: world.incoming.id, missedCount: 1 });
    const metrics = await (await fetch(`${world.pipeline.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`aiqc_box_missed_webhooks\\{folder_id="${world.incoming.id}"\\} 1`));
    expect(world.logs.map((l) => l.msg)).toContainEqual(expect.stringMatching(/^Box webhook missed: /));
  });

  it('recovers a same-name replace upload (a new version) whose delivery was lost', async () => {
    world = await startWorld({ engine: 'sqlite', runWorker: false });
    const admin = world.seed.emulator.admin;
    const asset = await sample((dir) => writeImageSample(dir));
    const first = world.upload(asset.name, await readFile(asset.path));
    await admin.waitForDeliveries();
    const v1 = first.versions.at(-1)!.id;
    // The webhook disappears (Box deletes webhooks that keep failing); the client replaces the file.
    for (const webhook of await world.box.listAllWebhooks()) await world.box.deleteWebhook(webhook.id);
    const replaced = world.upload(asset.name, Buffer.concat([await readFile(asset.path), Buffer.from('new version')]));
    const v2 = replaced.versions.at(-1)!.id;
    expect(replaced.id).toBe(first.id);
    expect(v2).not.toBe(v1);
    const swept = await world.pipeline.sweeper!.sweepOnce();
    expect(swept.enqueued).toMatchObject([{ fileId: first.id, fileVersionId: v2 }]);
    const keys = (await world.pipeline.queue.list()).map((j) => j.dedupeKey).sort();
    expect(keys).toEqual([`box-file:${first.id}:${v1}`, `box-file:${first.id}:${v2}`].sort());
  });
});
