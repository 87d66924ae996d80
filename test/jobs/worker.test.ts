import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobRetryDelayMs } from '../../src/jobs/backoff.js';
import { defineJob, handleJob } from '../../src/jobs/definition.js';
import { JobConfigurationError, PermanentJobError, TransientJobError, WorkerStoppingError } from '../../src/jobs/errors.js';
import { JobQueue, type Job } from '../../src/jobs/queue.js';
import { Worker } from '../../src/jobs/worker.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';

const work = defineJob('test.work', { payload: z.object({ n: z.number() }), maxAttempts: 3 });
const other = defineJob('test.other', { payload: z.object({}) });
const slow = defineJob('test.slow', { payload: z.object({}), timeoutMs: 150, maxAttempts: 1 });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('jobRetryDelayMs', () => {
  it('grows exponentially with equal jitter and a ceiling', () => {
    const policy = { baseMs: 1_000, maxMs: 10_000 };
    expect(jobRetryDelayMs(1, policy, () => 0)).toBe(500);
    expect(jobRetryDelayMs(1, policy, () => 1)).toBe(1_000);
    expect(jobRetryDelayMs(3, policy, () => 0)).toBe(2_000);
    expect(jobRetryDelayMs(3, policy, () => 1)).toBe(4_000);
    expect(jobRetryDelayMs(10, policy, () => 1)).toBe(10_000);
    expect(jobRetryDelayMs(10, policy, () => 0)).toBe(5_000);
  });
});

describe('Worker start-up checks', () => {
  it('refuses a kind with no handler, two handlers, or a handler without a definition', async () => {
    const t = await createTestDatabase('sqlite');
    try {
      const queue = new JobQueue({ db: t.db, definitions: [work, other] });
      const noop = async (): Promise<void> => {};
      expect(() => new Worker({ queue, handlers: [handleJob(work, noop)] })).toThrow(/"test.other" has no handler/);
      expect(() => new Worker({ queue, handlers: [handleJob(work, noop), handleJob(work, noop), handleJob(other, noop)] })).toThrow(
        /"test.work" has two handlers/,
      );
      expect(() => new Worker({ queue, handlers: [handleJob(work, noop), handleJob(other, noop), handleJob(slow, noop)] })).toThrow(
        JobConfigurationError,
      );
      // A job of a kind this program does not know is waiting: refuse to start rather than ignore it.
      await new JobQueue({ db: t.db, definitions: [slow] }).enqueue(slow, {});
      const worker = new Worker({ queue, handlers: [handleJob(work, noop), handleJob(other, noop)] });
      await expect(worker.start()).rejects.toThrow(/kind "test.slow" that this program has no handler for/);
    } finally {
      await t.cleanup();
    }
  });
});

describe.each(ENGINES)('Worker on %s', (engine) => {
  let t: TestDatabase;
  let queue: JobQueue;
  let worker: Worker | undefined;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  beforeEach(async () => {
    await sql`delete from jobs`.execute(t.db.kysely);
    queue = new JobQueue({ db: t.db, definitions: [work, other, slow] });
  });
  afterEach(async () => {
    await worker?.stop(0);
    worker = undefined;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const quick = { pollMs: 20, backoff: { baseMs: 10, maxMs: 40 }, leaseMs: 5_000 };
  const done = (id: number) => async (): Promise<Job | undefined> => {
    const job = await queue.get(id);
    return job && (job.status === 'done' || job.status === 'dead') ? job : undefined;
  };

  it('never runs more jobs at once than its concurrency', async () => {
    let active = 0;
    let peak = 0;
    worker = new Worker({
      queue,
      ...quick,
      concurrency: 3,
      handlers: [
        handleJob(work, async ({ n }) => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 30));
          active -= 1;
          return { n };
        }),
        handleJob(other, async () => {}),
        handleJob(slow, async () => {}),
      ],
    });
    const ids: number[] = [];
    for (let n = 0; n < 12; n += 1) ids.push((await queue.enqueue(work, { n })).job.id);
    await worker.start();
    await waitFor('12 jobs done', async () => (await queue.countByStatus()).done === 12);
    expect(peak).toBe(3);
    expect((await queue.get(ids[5]!))?.result).toEqual({ n: 5 });
  });

  it('retries transient errors with backoff until the handler succeeds', async () => {
    const attempts: number[] = [];
    worker = new Worker({
      queue,
      ...quick,
      handlers: [
        handleJob(work, async (_payload, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt === 1) throw new TransientJobError('Box answered 503');
          if (ctx.attempt === 2) throw new Error('socket hang up');
          return 'ok';
        }),
        handleJob(other, async () => {}),
        handleJob(slow, async () => {}),
      ],
    });
    const { job } = await queue.enqueue(work, { n: 1 });
    await worker.start();
    const finished = await waitFor('job settled', done(job.id));
    expect(attempts).toEqual([1, 2, 3]);
    expect(finished).toMatchObject({ status: 'done', attempts: 3, result: 'ok', lastError: 'Error: socket hang up' });
  });

  it('honours retryAfterMs (Box 429 Retry-After) over the computed backoff', async () => {
    const seen: number[] = [];
    worker = new Worker({
      queue,
      ...quick,
      handlers: [
        handleJob(work, async (_p, ctx) => {
          seen.push(Date.now());
          if (ctx.attempt === 1) throw new TransientJobError('Box answered 429', { retryAfterMs: 400 });
        }),
        handleJob(other, async () => {}),
        handleJob(slow, async () => {}),
      ],
    });
    const { job } = await queue.enqueue(work, { n: 1 });
    await worker.start();
    await waitFor('job settled', done(job.id));
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(380);
  });

  it('sends a job dead at once on a permanent error, and after its last transient one', async () => {
    worker = new Worker({
      queue,
      ...quick,
      handlers: [
        handleJob(work, async () => {
          throw new Error('still broken');
        }),
        handleJob(other, async () => {
          throw new PermanentJobError('Box 404: the file was deleted. Nothing to check.', { code: 'box_not_found' });
        }),
        handleJob(slow, async () => {}),
      ],
    });
    const permanent = (await queue.enqueue(other, {})).job;
    const transient = (await queue.enqueue(work, { n: 1 })).job;
    await worker.start();
    expect(await waitFor('permanent settled', done(permanent.id))).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'PermanentJobError [box_not_found]: Box 404: the file was deleted. Nothing to check.',
    });
    expect(await waitFor('transient settled', done(transient.id))).toMatchObject({ status: 'dead', attempts: 3, lastError: 'Error: still broken' });
  });

  it('aborts a handler that passes its kind timeout', async () => {
    let reason: unknown;
    worker = new Worker({
      queue,
      ...quick,
      handlers: [
        handleJob(work, async () => {}),
        handleJob(other, async () => {}),
        handleJob(slow, async (_p, ctx) => {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
          reason = ctx.signal.reason;
          throw ctx.signal.reason;
        }),
      ],
    });
    const { job } = await queue.enqueue(slow, {});
    await worker.start();
    const finished = await waitFor('job settled', done(job.id));
    expect(finished.status).toBe('dead');
    expect(finished.lastError).toMatch(/JobTimeoutError \[job_timeout\]: Job kind "test.slow" ran longer than its 150 ms timeout/);
    expect((reason as Error).name).toBe('JobTimeoutError');
  });

  it('on stop, aborts a handler past the grace period and releases its job', async () => {
    let reason: unknown;
    worker = new Worker({
      queue,
      ...quick,
      handlers: [
        handleJob(work, async (_p, ctx) => {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
          reason = ctx.signal.reason;
          return 'too late';
        }),
        handleJob(other, async () => {}),
        handleJob(slow, async () => {}),
      ],
    });
    const { job } = await queue.enqueue(work, { n: 1 });
    await worker.start();
    await waitFor('running', async () => (await queue.get(job.id))?.status === 'running');
    await worker.stop(100);
    worker = undefined;
    expect(reason).toBeInstanceOf(WorkerStoppingError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0, result: null });
  });

  it('stop waits for the handlers it aborted to return (their clean-up finishes first)', async () => {
    let cleanedUp = false;
    worker = new Worker({
      queue,
      ...quick,
      handlers: [
        handleJob(work, async (_p, ctx) => {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
          // Clean-up after the abort (kill a child, remove a temp folder) takes a moment.
          await new Promise((resolve) => setTimeout(resolve, 300));
          cleanedUp = true;
        }),
        handleJob(other, async () => {}),
        handleJob(slow, async () => {}),
      ],
    });
    const { job } = await queue.enqueue(work, { n: 1 });
    await worker.start();
    await waitFor('running', async () => (await queue.get(job.id))?.status === 'running');
    await worker.stop(50);
    worker = undefined;
    expect(cleanedUp).toBe(true);
    expect(await queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('abandons an attempt whose lease was taken over, without overwriting the new owner', async () => {
    let reason: unknown;
    worker = new Worker({
      queue,
      pollMs: 20,
      leaseMs: 300,
      heartbeatMs: 50,
      handlers: [
        handleJob(work, async (_p, ctx) => {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
          reason = ctx.signal.reason;
          return 'stale result';
        }),
        handleJob(other, async () => {}),
        handleJob(slow, async () => {}),
      ],
    });
    const { job } = await queue.enqueue(work, { n: 1 });
    await worker.start();
    await waitFor('running', async () => (await queue.get(job.id))?.status === 'running');
    // Simulate another worker having reclaimed the job (as after a long GC pause or partition).
    await t.db.kysely.updateTable('jobs').set({ locked_by: 'someone-else', attempts: 2 }).where('id', '=', job.id).execute();
    await waitFor('lease loss noticed', async () => reason !== undefined);
    expect((reason as Error).name).toBe('LeaseLostError');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await queue.get(job.id)).toMatchObject({ status: 'running', lockedBy: 'someone-else', result: null });
  });

  it('two Worker instances (separate connection pools on PostgreSQL) run each job exactly once', async () => {
    const runs = new Map<number, number>();
    const handlers = [
      handleJob(work, async (_p, ctx) => {
        runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }),
      handleJob(other, async () => {}),
      handleJob(slow, async () => {}),
    ];
    // SQLite serialises writers across connections with a blocking busy wait, which would stall
    // one event loop holding both connections; separate processes cover SQLite
    // (multiprocess.test.ts). PostgreSQL connections are independent, so test both here.
    const secondDb = engine === 'postgres' ? await t.openAnother() : t.db;
    const secondQueue = new JobQueue({ db: secondDb, definitions: [work, other, slow] });
    worker = new Worker({ queue, ...quick, concurrency: 4, handlers, workerId: 'a' });
    const workerB = new Worker({ queue: secondQueue, ...quick, concurrency: 4, handlers, workerId: 'b' });
    for (let n = 0; n < 60; n += 1) await queue.enqueue(work, { n });
    await Promise.all([worker.start(), workerB.start()]);
    await waitFor('60 jobs done', async () => (await queue.countByStatus()).done === 60);
    await workerB.stop(1_000);
    expect(runs.size).toBe(60);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const owners = new Set((await queue.list({ limit: 100 })).map((j) => j.lockedBy));
    expect(owners).toEqual(new Set(['a', 'b']));
  });
});

describe('Worker wake-up by NOTIFY on postgres', () => {
  it('starts a job enqueued by another connection long before its next poll', async () => {
    const t = await createTestDatabase('postgres');
    const queue = new JobQueue({ db: t.db, definitions: [work, other, slow] });
    const noop = async (): Promise<void> => {};
    const worker = new Worker({
      queue,
      pollMs: 60_000,
      handlers: [handleJob(work, noop), handleJob(other, noop), handleJob(slow, noop)],
    });
    try {
      await worker.start();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const producer = new JobQueue({ db: await t.openAnother(), definitions: [work, other, slow] });
      const { job } = await producer.enqueue(work, { n: 1 });
      const startedAt = Date.now();
      await waitFor('job done', async () => (await queue.get(job.id))?.status === 'done', 5_000);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      await worker.stop(0);
      await t.cleanup();
    }
  });
});
