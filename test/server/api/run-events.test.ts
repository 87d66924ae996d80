// Run progress across processes: on PostgreSQL a worker on another connection (another process
// or machine in production) reaches the web process through NOTIFY, not memory.
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type RunningPipeline } from '../../../src/pipeline/service.js';
import { createRunEvents, type RunEvent } from '../../../src/web/run-events.js';
import { createTestDatabase, type TestDatabase } from '../../db/test-databases.js';
import { multipartBody, startConsoleWorld, type ConsoleWorld } from './console-world.js';

describe('run events on postgres', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('delivers an event published on one connection to a subscriber on another', async () => {
    const other = await t.openAnother();
    const web = createRunEvents(t.db);
    const worker = createRunEvents(other);
    const received: RunEvent[] = [];
    const unsubscribe = await web.subscribe('run-1', (event) => received.push(event));
    await worker.publish({ type: 'progress', run_id: 'run-1', i: 1, n: 3, check_id: 'file.readable' });
    await worker.publish({ type: 'progress', run_id: 'run-2', i: 1, n: 3, check_id: 'file.readable' });
    await worker.publish({ type: 'done', run_id: 'run-1', verdict: 'pass', score: 100 });
    const deadline = Date.now() + 5_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([
      { type: 'progress', run_id: 'run-1', i: 1, n: 3, check_id: 'file.readable' },
      { type: 'done', run_id: 'run-1', verdict: 'pass', score: 100 },
    ]);
    unsubscribe();
    await web.close();
    await worker.close();
  });
});

describe('SSE with the worker in another process (postgres)', () => {
  let w: ConsoleWorld;
  let workerOnly: RunningPipeline;
  beforeAll(async () => {
    // The web process runs no worker and re-reads runs only once a minute: progress can only
    // arrive through NOTIFY from the worker on its own connection pool.
    w = await startConsoleWorld({ engine: 'postgres', runWorker: false, ssePollMs: 60_000 });
  });
  /** The worker process's side, on its own pool; started once the browser side is listening. */
  async function startWorkerOnly(): Promise<RunningPipeline> {
    return startPipeline({
      role: 'worker',
      db: await w.t.openAnother(),
      runtime: w.runtime,
      box: () => {
        throw new Error('no Box here');
      },
      logger: pino({ level: 'silent' }),
      settings: { concurrency: 1, leaseMs: 5_000, shutdownGraceMs: 2_000, sweepIntervalMs: 3_600_000, sweepGraceMs: 0 },
      pollMs: 25,
    });
  }
  afterAll(async () => {
    await workerOnly?.stop();
    await w?.close();
  });

  it('streams every check i/N and the verdict', async () => {
    const { body, contentType } = multipartBody([{ name: 'client', value: 'acme' }, { name: 'file', filename: 'Summer_Banner_1080.png', content: w.imageBytes, type: 'image/png' }]);
    const app = w.pipeline.app!;
    const accepted = await app.inject({ method: 'POST', url: '/api/v1/checks', payload: body, headers: { 'content-type': contentType, authorization: `Bearer ${w.tokens.acme}` } });
    expect(accepted.statusCode).toBe(202);
    const runId = (accepted.json() as { run_id: string }).run_id;
    const started = Date.now();
    const streamed = app.inject({ url: `/api/v1/runs/${runId}/events`, headers: { authorization: `Bearer ${w.tokens.acme}` } });
    // The worker starts only after the stream has subscribed, so every check's progress must
    // come through NOTIFY (a worker already done would leave nothing to stream but the verdict).
    await sleep(500);
    workerOnly = await startWorkerOnly();
    const events = await streamed;
    expect(Date.now() - started).toBeLessThan(30_000);
    const parsed = [...events.body.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({ event: m[1]!, data: JSON.parse(m[2]!) as { i?: number; n?: number; verdict?: string } }));
    const progress = parsed.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.map((p) => p.data.i)).toEqual(Array.from({ length: progress[0]!.data.n! }, (_, k) => k + 1).slice(-progress.length));
    expect(parsed.at(-1)).toMatchObject({ event: 'done', data: { verdict: expect.stringMatching(/^(pass|warn)$/) } });
  });
});
