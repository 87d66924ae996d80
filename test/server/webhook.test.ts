import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getFolderHealth, recordMissedWebhooks } from '../../src/db/box-folder-health.js';
import { countDeliveries, getDeliveryByPayloadId } from '../../src/db/webhook-deliveries.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { buildServer, type ServerDeps } from '../../src/server/app.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';
import {
  INCOMING,
  KEYS,
  PROCESSED,
  REPORTS,
  boxEventBody,
  boxFileJob,
  captureLogger,
  signedHeaders,
  testMapper,
  type CapturedLog,
} from './support.js';

describe.each(ENGINES)('POST /api/box/webhook on %s', (engine) => {
  let t: TestDatabase;
  let queue: JobQueue;
  let app: FastifyInstance;
  let lines: CapturedLog[];

  async function build(overrides: Partial<ServerDeps> = {}): Promise<FastifyInstance> {
    const captured = captureLogger();
    lines = captured.lines;
    return buildServer({ db: t.db, queue, logger: captured.logger, webhookKeys: KEYS, onWebhookFile: testMapper, ...overrides });
  }

  const post = (body: string, headers: Record<string, string> = signedHeaders(body), url = '/api/box/webhook') =>
    app.inject({ method: 'POST', url, payload: body, headers });

  async function nothingStored(): Promise<void> {
    expect(await countDeliveries(t.db.kysely)).toBe(0);
    expect(await queue.list()).toEqual([]);
  }

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    queue = new JobQueue({ db: t.db, definitions: [boxFileJob] });
  });
  beforeEach(async () => {
    for (const table of ['jobs', 'webhook_deliveries', 'box_folder_health']) await sql`delete from ${sql.table(table)}`.execute(t.db.kysely);
    app = await build();
  });
  afterEach(async () => {
    await app.close();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('verifies, records the delivery and enqueues one job for the file version', async () => {
    const body = boxEventBody({ id: 'evt-1', fileId: '501', fileVersionId: '1' });
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    const reply = response.json() as { status: string; job_id: number };
    expect(reply.status).toBe('enqueued');
    const job = await queue.get(reply.job_id);
    expect(job).toMatchObject({
      kind: boxFileJob.kind,
      status: 'queued',
      dedupeKey: 'box-file:501:1',
      payload: { fileId: '501', fileVersionId: '1', clientId: 'diageo', name: 'spring/summer key visual.png' },
    });
    expect(await getDeliveryByPayloadId(t.db.kysely, 'evt-1')).toMatchObject({
      trigger: 'FILE.UPLOADED',
      outcome: 'enqueued',
      jobId: reply.job_id,
      fileId: '501',
      fileVersionId: '1',
      folderId: INCOMING,
    });
    // Folder health is written after the answer, off the delivery's transaction.
    await expect.poll(async () => (await getFolderHealth(t.db.kysely, INCOMING))?.lastDeliveryAt).toBeGreaterThan(0);
    expect(lines.find((l) => l.msg === 'Box webhook: dispatching client=diageo file_id=501')).toMatchObject({ job_id: reply.job_id });
  });

  it('treats a retried delivery (same payload id, new delivery id) as already handled', async () => {
    const body = boxEventBody({ id: 'evt-2' });
    const first = await post(body, signedHeaders(body, { deliveryId: 'd-a' }));
    const retry = await post(body, signedHeaders(body, { deliveryId: 'd-b' }));
    expect(first.json()).toMatchObject({ status: 'enqueued' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ status: 'duplicate_delivery' });
    expect(await countDeliveries(t.db.kysely)).toBe(1);
    expect(await queue.list()).toHaveLength(1);
  });

  it('enqueues nothing new for a second event about the same file version, but a new version gets its job', async () => {
    const first = await post(boxEventBody({ id: 'evt-3', fileId: '503', fileVersionId: '1' }));
    const duplicate = await post(boxEventBody({ id: 'evt-4', fileId: '503', fileVersionId: '1' }));
    const newVersion = await post(boxEventBody({ id: 'evt-5', fileId: '503', fileVersionId: '2' }));
    expect(duplicate.json()).toEqual({ status: 'duplicate_event', job_id: first.json().job_id });
    expect(newVersion.json()).toMatchObject({ status: 'enqueued' });
    expect((await queue.list()).map((j) => j.dedupeKey).sort()).toEqual(['box-file:503:1', 'box-file:503:2']);
    expect(await getDeliveryByPayloadId(t.db.kysely, 'evt-4')).toMatchObject({ outcome: 'duplicate_event', jobId: first.json().job_id });
  });

  it('answers 401 and stores nothing for a bad signature, a stale or future timestamp, or missing headers', async () => {
    const body = boxEventBody();
    const wrongKey = await post(body, signedHeaders(body, { keys: { primary: 'not-the-key', secondary: 'nor-this' } }));
    const stale = await post(body, signedHeaders(body, { at: Date.now() - 11 * 60_000 }));
    const future = await post(body, signedHeaders(body, { at: Date.now() + 5 * 60_000 }));
    const unsigned = await post(body, { 'content-type': 'application/json' });
    const tampered = await post(body.replace('100100', '100666'), signedHeaders(body));
    for (const response of [wrongKey, stale, future, unsigned, tampered]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'invalid_signature' });
    }
    await nothingStored();
    expect(lines.filter((l) => l.msg.startsWith('Box webhook: rejected delivery')).map((l) => l.reason)).toEqual([
      'signature_mismatch',
      'stale_timestamp',
      'future_timestamp',
      'missing_header',
      'signature_mismatch',
    ]);
    // Keys and signatures never reach the log.
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(KEYS.primary!);
    expect(logged).not.toContain(signedHeaders(body)['box-signature-primary']!.slice(0, 20));
  });

  it('tolerates a timestamp a little ahead of our clock', async () => {
    const body = boxEventBody();
    const response = await post(body, signedHeaders(body, { at: Date.now() + 60_000 }));
    expect(response.statusCode).toBe(200);
  });

  it('answers 401 to everything when no webhook keys are configured (started without Box credentials)', async () => {
    await app.close();
    app = await build({ webhookKeys: {} });
    const body = boxEventBody();
    const response = await post(body);
    expect(response.statusCode).toBe(401);
    expect(lines.find((l) => l.reason === 'no_keys_configured')?.msg).toMatch(/set BOX_WEBHOOK_PRIMARY_KEY/);
    await nothingStored();
  });

  it('answers 400 and stores nothing for a signed but malformed body', async () => {
    const notJson = '{"id": "evt-x", ';
    const noTrigger = JSON.stringify({ id: 'evt-y', source: null });
    const noVersion = boxEventBody({ source: { id: '501', type: 'file', name: 'a.png', parent: { id: INCOMING, type: 'folder' } } });
    for (const body of [notJson, noTrigger, noVersion, '']) {
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'malformed_event' });
    }
    expect(lines.filter((l) => l.msg.startsWith('Box webhook: signed but malformed body'))).toHaveLength(4);
    await nothingStored();
  });

  it('answers 413 to a body over 1 MB without storing anything', async () => {
    const body = boxEventBody({ name: `${'x'.repeat(1024 * 1024)}.png` });
    const response = await post(body);
    expect(response.statusCode).toBe(413);
    await nothingStored();
  });

  it('acknowledges an unknown folder and a non-QC extension with the runbook lines, enqueuing nothing', async () => {
    const unknown = await post(boxEventBody({ id: 'evt-u', parentId: '777' }));
    const docx = await post(boxEventBody({ id: 'evt-d', name: 'brief.DOCX' }));
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual({ status: 'unknown_folder' });
    expect(docx.statusCode).toBe(200);
    expect(docx.json()).toEqual({ status: 'non_qc_extension' });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['no client configured for Box folder 777', 'skipping non-QC extension .docx']));
    expect(await queue.list()).toEqual([]);
    expect(await getDeliveryByPayloadId(t.db.kysely, 'evt-d')).toMatchObject({ outcome: 'non_qc_extension', detail: 'skipping non-QC extension .docx' });
  });

  it("ignores the events aiqc's own report upload and source move fire back (webhooks cascade to sub-folders)", async () => {
    const report = await post(boxEventBody({ id: 'evt-r', name: 'QC_Report_20261123T062753Z-4f2a_a.png.html', parentId: REPORTS, parentName: 'REPORTS' }));
    const moved = await post(boxEventBody({ id: 'evt-m', name: '20261123T062753Z-4f2a_a.png', parentId: PROCESSED, parentName: '_PROCESSED' }));
    expect(report.json()).toEqual({ status: 'ignored' });
    expect(moved.json()).toEqual({ status: 'ignored' });
    expect(await queue.list()).toEqual([]);
  });

  it('logs WEBHOOK.DELETED loudly and shows it in health and metrics', async () => {
    const body = boxEventBody({
      id: 'evt-del',
      trigger: 'WEBHOOK.DELETED',
      webhookId: '7077',
      source: { id: INCOMING, type: 'folder', name: 'INCOMING' },
      additionalInfo: { reason: 'auto_cleanup' },
    });
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'webhook_deleted' });
    const loud = lines.find((l) => l.msg.includes('Box DELETED webhook 7077'));
    expect(loud?.level).toBe(50);
    expect(loud?.msg).toMatch(/register-all-clients/);
    expect(await getFolderHealth(t.db.kysely, INCOMING)).toMatchObject({ deletedWebhookId: '7077', webhookDeletedAt: expect.any(Number) });
    expect(await getDeliveryByPayloadId(t.db.kysely, 'evt-del')).toMatchObject({ outcome: 'webhook_deleted', detail: 'auto_cleanup' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(`aiqc_box_webhook_deleted{folder_id="${INCOMING}"} 1`);
  });

  it('records other triggers and acknowledges them', async () => {
    const response = await post(boxEventBody({ id: 'evt-t', trigger: 'FILE.TRASHED' }));
    expect(response.json()).toEqual({ status: 'ignored_trigger' });
    expect(await queue.list()).toEqual([]);
    expect(await getDeliveryByPayloadId(t.db.kysely, 'evt-t')).toMatchObject({ outcome: 'ignored_trigger' });
  });

  it('stores nothing when the mapping fails, so Box retries later', async () => {
    await app.close();
    app = await build({
      onWebhookFile: () => {
        throw new Error('clients.yaml could not be read');
      },
    });
    const response = await post(boxEventBody());
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal_error', message: 'Internal error; see the server log.' });
    await nothingStored();
  });

  it('serves everything under a base path', async () => {
    await app.close();
    app = await build({ basePath: '/ai_qc/' });
    const body = boxEventBody();
    expect((await post(body, signedHeaders(body), '/ai_qc/api/box/webhook')).statusCode).toBe(200);
    expect((await post(body, signedHeaders(body), '/api/box/webhook')).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/ai_qc/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('exposes health, readiness and Prometheus metrics', async () => {
    await post(boxEventBody({ id: 'evt-m1' }));
    await post(boxEventBody({ id: 'evt-m1' }));
    await post(boxEventBody(), { 'content-type': 'application/json' });
    await recordMissedWebhooks(t.db.kysely, INCOMING, Date.now(), 2);
    await expect.poll(async () => (await getFolderHealth(t.db.kysely, INCOMING))?.lastDeliveryAt).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('aiqc_webhook_deliveries_total{outcome="enqueued"} 1');
    expect(metrics.body).toContain('aiqc_webhook_deliveries_total{outcome="duplicate_delivery"} 1');
    expect(metrics.body).toContain('aiqc_webhook_deliveries_total{outcome="rejected_signature"} 1');
    expect(metrics.body).toContain('aiqc_jobs{status="queued"} 1');
    expect(metrics.body).toContain('aiqc_jobs{status="dead"} 0');
    expect(metrics.body).toContain('aiqc_webhook_ack_seconds_count{status="200"} 2');
    expect(metrics.body).toContain('aiqc_box_missed_webhooks_total 2');
    expect(metrics.body).toContain(`aiqc_box_missed_webhooks{folder_id="${INCOMING}"} 2`);
    expect(metrics.body).toMatch(new RegExp(`aiqc_box_last_delivery_timestamp_seconds\\{folder_id="${INCOMING}"\\} \\d+`));
  });
});

describe('GET /readyz without a database', () => {
  it('answers 503 when the database is unreachable', async () => {
    const t = await createTestDatabase('sqlite');
    const queue = new JobQueue({ db: t.db, definitions: [boxFileJob] });
    const app = await buildServer({ db: t.db, queue, webhookKeys: KEYS, onWebhookFile: testMapper });
    try {
      await t.db.close();
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' });
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});

describe('POST /api/box/webhook when storage fails', () => {
  it('answers 503 with retry-after (Box retries later), never 500, and keeps serving', async () => {
    const t = await createTestDatabase('sqlite');
    const queue = new JobQueue({ db: t.db, definitions: [boxFileJob] });
    const captured = captureLogger();
    const app = await buildServer({ db: t.db, queue, logger: captured.logger, webhookKeys: KEYS, onWebhookFile: testMapper });
    try {
      await t.db.close();
      for (const body of [boxEventBody({ id: 'evt-down-1' }), boxEventBody({ id: 'evt-down-2', trigger: 'FILE.TRASHED' })]) {
        const response = await app.inject({ method: 'POST', url: '/api/box/webhook', payload: body, headers: signedHeaders(body) });
        expect(response.statusCode).toBe(503);
        expect(response.headers['retry-after']).toBe('60');
        expect(response.json()).toEqual({ error: 'storage_unavailable', message: 'Could not store the delivery; retry later.' });
      }
      expect(captured.lines.filter((l) => l.msg.startsWith('Box webhook: could not store the delivery'))).toHaveLength(2);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});
