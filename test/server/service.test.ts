import { afterEach, describe, expect, it } from 'vitest';
import { handleJob } from '../../src/jobs/definition.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { startService, type RunningService } from '../../src/server/service.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';
import { KEYS, boxEventBody, boxFileJob, signedHeaders, testMapper } from './support.js';

describe.each(ENGINES)('startService on %s', (engine) => {
  let t: TestDatabase | undefined;
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await t?.cleanup();
  });

  it('serves the webhook and runs the resulting job in one process, then stops in order', async () => {
    t = await createTestDatabase(engine);
    const queue = new JobQueue({ db: t.db, definitions: [boxFileJob] });
    const handled: string[] = [];
    const events: string[] = [];
    service = await startService({
      db: t.db,
      queue,
      http: { port: 0, host: '127.0.0.1', webhookKeys: KEYS, onWebhookFile: testMapper },
      worker: { pollMs: 20, handlers: [handleJob(boxFileJob, async (payload) => void handled.push(payload.fileId))] },
      background: [{ name: 'sweeper', start: () => void events.push('start'), stop: () => void events.push('stop') }],
      shutdownGraceMs: 1_000,
    });
    const body = boxEventBody({ id: 'svc-1', fileId: '701' });
    const response = await fetch(`${service.url}/api/box/webhook`, { method: 'POST', body, headers: signedHeaders(body) });
    const { job_id: jobId } = (await response.json()) as { job_id: number };
    const deadline = Date.now() + 10_000;
    while ((await queue.get(jobId))?.status !== 'done' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(handled).toEqual(['701']);
    const url = service.url!;
    await service.stop();
    service = undefined;
    expect(events).toEqual(['start', 'stop']);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect(t.db.ping()).rejects.toThrow();
  });
});
