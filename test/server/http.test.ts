import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeliveries } from '../../src/db/webhook-deliveries.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { buildServer } from '../../src/server/app.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';
import { KEYS, boxEventBody, boxFileJob, signedHeaders, testMapper } from './support.js';

describe.each(ENGINES)('webhook over real HTTP on %s', (engine) => {
  let t: TestDatabase;
  let queue: JobQueue;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    queue = new JobQueue({ db: t.db, definitions: [boxFileJob] });
    app = await buildServer({ db: t.db, queue, webhookKeys: KEYS, onWebhookFile: testMapper, basePath: '/ai_qc' });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    url = `${address}/ai_qc/api/box/webhook`;
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  const send = (body: string, headers = signedHeaders(body)) => fetch(url, { method: 'POST', body, headers });

  it('verifies the raw bytes Box sends (with "\\/" escaping) and enqueues', async () => {
    const body = boxEventBody({ id: 'http-1', fileId: '601', name: 'campaign/2026/hero.mp4' });
    expect(body).toContain('campaign\\/2026\\/hero.mp4');
    const response = await send(body);
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { status: string; job_id: number };
    expect(reply.status).toBe('enqueued');
    expect((await queue.get(reply.job_id))?.payload).toMatchObject({ name: 'campaign/2026/hero.mp4' });
    // The same event re-serialised without Box's escaping no longer matches its signature.
    const reserialised = JSON.stringify(JSON.parse(body));
    expect((await send(reserialised, signedHeaders(body))).status).toBe(401);
  });

  it('25 concurrent retries of one delivery store one delivery and one job', async () => {
    const body = boxEventBody({ id: 'http-storm', fileId: '602', fileVersionId: '1' });
    const before = await countDeliveries(t.db.kysely);
    const responses = await Promise.all(Array.from({ length: 25 }, () => send(body)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const statuses = await Promise.all(responses.map(async (r) => ((await r.json()) as { status: string }).status));
    expect(statuses.filter((s) => s === 'enqueued')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate_delivery')).toHaveLength(24);
    expect((await countDeliveries(t.db.kysely)) - before).toBe(1);
    expect((await queue.list({ limit: 100 })).filter((j) => j.dedupeKey === 'box-file:602:1')).toHaveLength(1);
  });

  it('25 concurrent distinct events about one file version create one job', async () => {
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) => send(boxEventBody({ id: `http-dup-${i}`, fileId: '603', fileVersionId: '1' }))),
    );
    const replies = await Promise.all(responses.map(async (r) => (await r.json()) as { status: string; job_id: number }));
    expect(replies.filter((r) => r.status === 'enqueued')).toHaveLength(1);
    expect(new Set(replies.map((r) => r.job_id)).size).toBe(1);
    expect((await queue.list({ limit: 100 })).filter((j) => j.dedupeKey === 'box-file:603:1')).toHaveLength(1);
  });

  it('refuses an over-size body with 413 before reading it all', async () => {
    // The sender offers 64 MB slowly; the 413 must arrive while most of it is still unsent,
    // with a declared Content-Length (refused from the header) and chunked (refused at 1 MB).
    const offered = 64 * 1024 * 1024;
    for (const declared of [true, false]) {
      const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        const req = request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(declared ? { 'content-length': String(offered) } : {}) },
        });
        let sent = 0;
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          res.resume();
          resolve({ status: res.statusCode ?? 0, sent });
          req.destroy();
        });
        req.on('error', (error) => {
          if (!answered) reject(error);
        });
        const chunk = Buffer.alloc(64 * 1024, 0x78);
        const pump = (): void => {
          if (answered || req.destroyed || sent >= offered) return;
          sent += chunk.length;
          req.write(chunk, () => setTimeout(pump, 1));
        };
        pump();
      });
      expect(status, declared ? 'with Content-Length' : 'chunked').toBe(413);
      expect(sent, declared ? 'with Content-Length' : 'chunked').toBeLessThan(8 * 1024 * 1024);
    }
  });
});
