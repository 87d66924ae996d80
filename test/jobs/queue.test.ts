import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../src/jobs/definition.js';
import { InvalidJobPayloadError, JobNotFoundError, JobNotRetryableError, UnknownJobKindError } from '../../src/jobs/errors.js';
import { jobToJson } from '../../src/cli/jobs.js';
import { JobQueue, type Lease } from '../../src/jobs/queue.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';

const qcFile = defineJob('test.qc_file', {
  payload: z.object({ fileId: z.string(), fileVersionId: z.string() }),
  maxAttempts: 3,
});

describe.each(ENGINES)('JobQueue on %s', (engine) => {
  let t: TestDatabase;
  let now: number;
  let queue: JobQueue;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  beforeEach(async () => {
    await sql`delete from jobs`.execute(t.db.kysely);
    now = Date.UTC(2026, 10, 23, 9, 0, 0);
    queue = new JobQueue({ db: t.db, definitions: [qcFile], clock: () => now });
  });

  const lease = (jobId: number, workerId: string, attempt: number): Lease => ({ jobId, workerId, attempt });

  it('enqueues a validated payload as a queued job', async () => {
    const { job, created } = await queue.enqueue(qcFile, { fileId: 'f1', fileVersionId: 'v1' }, { dedupeKey: 'box-file:f1:v1' });
    expect(created).toBe(true);
    expect(job).toMatchObject({ kind: 'test.qc_file', status: 'queued', attempts: 0, maxAttempts: 3, runAfter: now, dedupeKey: 'box-file:f1:v1' });
    expect(job.payload).toEqual({ fileId: 'f1', fileVersionId: 'v1' });
    expect(jobToJson(job)).toMatchObject({ id: job.id, max_attempts: 3, run_after: new Date(now).toISOString() });
  });

  it('returns the existing job for a repeated dedupe key and creates nothing', async () => {
    const first = await queue.enqueue(qcFile, { fileId: 'f1', fileVersionId: 'v1' }, { dedupeKey: 'box-file:f1:v1' });
    const second = await queue.enqueue(qcFile, { fileId: 'f1', fileVersionId: 'v1' }, { dedupeKey: 'box-file:f1:v1' });
    expect(second.created).toBe(false);
    expect(second.job.id).toBe(first.job.id);
    const third = await queue.enqueue(qcFile, { fileId: 'f1', fileVersionId: 'v2' }, { dedupeKey: 'box-file:f1:v2' });
    expect(third.created).toBe(true);
    expect((await queue.list()).length).toBe(2);
  });

  it('dedupes concurrent enqueues of the same key from two connections', async () => {
    const other = new JobQueue({ db: await t.openAnother(), definitions: [qcFile], clock: () => now });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? queue : other).enqueue(qcFile, { fileId: 'f9', fileVersionId: 'v9' }, { dedupeKey: 'k9' })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
  });

  it('writes inside the caller transaction: a rollback leaves no job', async () => {
    await expect(
      t.db.kysely.transaction().execute(async (trx) => {
        await queue.enqueue(qcFile, { fileId: 'f2', fileVersionId: 'v1' }, { dedupeKey: 'k2', trx });
        throw new Error('domain write failed');
      }),
    ).rejects.toThrow('domain write failed');
    expect(await queue.getByDedupeKey('k2')).toBeUndefined();
    await t.db.kysely.transaction().execute(async (trx) => {
      await queue.enqueue(qcFile, { fileId: 'f2', fileVersionId: 'v1' }, { dedupeKey: 'k2', trx });
    });
    expect(await queue.getByDedupeKey('k2')).toMatchObject({ status: 'queued' });
  });

  it('rejects an unknown kind and an invalid payload before writing', async () => {
    await expect(queue.enqueue('nope', {})).rejects.toBeInstanceOf(UnknownJobKindError);
    await expect(queue.enqueue(qcFile, { fileId: 1 } as never)).rejects.toBeInstanceOf(InvalidJobPayloadError);
    expect(await queue.list()).toEqual([]);
  });

  it('claims due jobs oldest first, up to the limit, and never the same job twice', async () => {
    for (let i = 0; i < 5; i += 1) await queue.enqueue(qcFile, { fileId: `f${i}`, fileVersionId: 'v' });
    await queue.enqueue(qcFile, { fileId: 'later', fileVersionId: 'v' }, { runAfter: now + 60_000 });
    const a = await queue.claim('w-a', [qcFile.kind], 3, 30_000);
    const b = await queue.claim('w-b', [qcFile.kind], 10, 30_000);
    expect(a.map((j) => j.payload)).toEqual([0, 1, 2].map((i) => ({ fileId: `f${i}`, fileVersionId: 'v' })));
    expect(b).toHaveLength(2);
    expect(a[0]).toMatchObject({ status: 'running', attempts: 1, lockedBy: 'w-a', leaseUntil: now + 30_000, startedAt: now });
    expect(await queue.claim('w-c', [qcFile.kind], 10, 30_000)).toEqual([]);
    now += 60_000;
    expect((await queue.claim('w-c', [qcFile.kind], 10, 30_000)).map((j) => j.payload)).toEqual([{ fileId: 'later', fileVersionId: 'v' }]);
    expect(await queue.claim('w-c', ['other.kind'], 10, 30_000)).toEqual([]);
  });

  it('completes only under the current lease, storing the result and progress', async () => {
    const { job } = await queue.enqueue(qcFile, { fileId: 'f', fileVersionId: 'v' });
    await queue.claim('w', [qcFile.kind], 1, 30_000);
    expect(await queue.saveProgress(lease(job.id, 'w', 1), { uploaded: true })).toBe(true);
    expect(await queue.complete(lease(job.id, 'intruder', 1), { no: true })).toBe(false);
    expect(await queue.complete(lease(job.id, 'w', 1), { score: 72 })).toBe(true);
    expect(await queue.complete(lease(job.id, 'w', 1), { twice: true })).toBe(false);
    expect(await queue.get(job.id)).toMatchObject({ status: 'done', result: { score: 72 }, progress: { uploaded: true }, finishedAt: now });
  });

  it('completes a job and claims the next ones in one write (the worker\'s one commit per job)', async () => {
    for (let i = 0; i < 4; i += 1) await queue.enqueue(qcFile, { fileId: `f${i}`, fileVersionId: 'v' });
    const [first] = await queue.claim('w', [qcFile.kind], 1, 30_000);
    now += 1_000;
    const { owned, jobs } = await queue.completeAndClaim(lease(first!.id, 'w', 1), { score: 90 }, [qcFile.kind], 2, 30_000);
    expect(owned).toBe(true);
    expect(jobs.map((j) => j.payload)).toEqual([1, 2].map((i) => ({ fileId: `f${i}`, fileVersionId: 'v' })));
    expect(jobs[0]).toMatchObject({ status: 'running', attempts: 1, lockedBy: 'w', leaseUntil: now + 30_000, startedAt: now });
    expect(await queue.get(first!.id)).toMatchObject({ status: 'done', result: { score: 90 }, finishedAt: now, leaseUntil: null });
    // A lost lease: the result is discarded, the claim still happens (for the lease's worker).
    const stale = await queue.completeAndClaim(lease(first!.id, 'w', 1), { twice: true }, [qcFile.kind], 5, 30_000);
    expect(stale.owned).toBe(false);
    expect(stale.jobs.map((j) => j.payload)).toEqual([{ fileId: 'f3', fileVersionId: 'v' }]);
    expect((await queue.get(first!.id))?.result).toEqual({ score: 90 });
    // Nothing left to claim: the completion alone.
    expect(await queue.completeAndClaim(lease(jobs[0]!.id, 'w', 1), null, [qcFile.kind], 1, 30_000)).toEqual({ owned: true, jobs: [] });
  });

  it('completeAndClaim is one transaction: a failing claim leaves the job running and the next queued', async () => {
    // A rule only the claim's write breaks (a lease that ends when it starts), added for this test.
    const guard =
      engine === 'sqlite'
        ? sql`create trigger test_no_empty_lease before update on jobs when new.status = 'running' and new.lease_until <= new.started_at begin select raise(abort, 'empty lease'); end`
        : sql`alter table jobs add constraint test_no_empty_lease check (status <> 'running' or lease_until > started_at)`;
    await guard.execute(t.db.kysely);
    try {
      await queue.enqueue(qcFile, { fileId: 'a', fileVersionId: 'v' });
      const { job: next } = await queue.enqueue(qcFile, { fileId: 'b', fileVersionId: 'v' });
      const [first] = await queue.claim('w', [qcFile.kind], 1, 30_000);
      await expect(queue.completeAndClaim(lease(first!.id, 'w', 1), { score: 1 }, [qcFile.kind], 1, 0)).rejects.toThrow(/empty.lease/);
      expect(await queue.get(first!.id)).toMatchObject({ status: 'running', result: null, lockedBy: 'w' });
      expect(await queue.get(next.id)).toMatchObject({ status: 'queued', attempts: 0 });
    } finally {
      await (engine === 'sqlite' ? sql`drop trigger test_no_empty_lease` : sql`alter table jobs drop constraint test_no_empty_lease`).execute(t.db.kysely);
    }
  });

  it('requeues a transient failure after the delay and kills it after max attempts', async () => {
    const { job } = await queue.enqueue(qcFile, { fileId: 'f', fileVersionId: 'v' });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [claimed] = await queue.claim('w', [qcFile.kind], 1, 30_000);
      expect(claimed?.attempts).toBe(attempt);
      const status = await queue.fail(lease(job.id, 'w', attempt), { error: `boom ${attempt}`, permanent: false, retryInMs: 5_000 });
      expect(status).toBe(attempt < 3 ? 'queued' : 'dead');
      expect(await queue.claim('w', [qcFile.kind], 1, 30_000)).toEqual([]);
      now += 5_000;
    }
    expect(await queue.get(job.id)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'boom 3' });
  });

  it('kills a job at once on a permanent failure', async () => {
    const { job } = await queue.enqueue(qcFile, { fileId: 'f', fileVersionId: 'v' });
    await queue.claim('w', [qcFile.kind], 1, 30_000);
    expect(await queue.fail(lease(job.id, 'w', 1), { error: 'Box 404: file is gone', permanent: true, retryInMs: 0 })).toBe('dead');
    expect(await queue.get(job.id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'Box 404: file is gone', finishedAt: now });
  });

  it('reclaims a job whose lease expired and fences out the old worker', async () => {
    const { job } = await queue.enqueue(qcFile, { fileId: 'f', fileVersionId: 'v' });
    await queue.claim('w-old', [qcFile.kind], 1, 10_000);
    now += 5_000;
    expect(await queue.heartbeat(lease(job.id, 'w-old', 1), 10_000)).toBe(true);
    expect(await queue.reapExpiredLeases()).toEqual({ requeued: 0, dead: 0 });
    now += 10_001;
    expect(await queue.reapExpiredLeases()).toEqual({ requeued: 1, dead: 0 });
    expect((await queue.get(job.id))?.lastError).toMatch(/lease expired: worker w-old stopped heartbeating/);
    const [again] = await queue.claim('w-new', [qcFile.kind], 1, 10_000);
    expect(again).toMatchObject({ id: job.id, attempts: 2, lockedBy: 'w-new' });
    expect(await queue.heartbeat(lease(job.id, 'w-old', 1), 10_000)).toBe(false);
    expect(await queue.saveProgress(lease(job.id, 'w-old', 1), { stale: true })).toBe(false);
    expect(await queue.complete(lease(job.id, 'w-old', 1), {})).toBe(false);
    expect(await queue.complete(lease(job.id, 'w-new', 2), { ok: true })).toBe(true);
  });

  it('kills an expired job that has no attempts left', async () => {
    const { job } = await queue.enqueue(qcFile, { fileId: 'f', fileVersionId: 'v' }, { maxAttempts: 1 });
    await queue.claim('w', [qcFile.kind], 1, 1_000);
    now += 1_001;
    expect(await queue.reapExpiredLeases()).toEqual({ requeued: 0, dead: 1 });
    expect(await queue.get(job.id)).toMatchObject({ status: 'dead' });
  });

  it('releases a job without spending an attempt', async () => {
    const { job } = await queue.enqueue(qcFile, { fileId: 'f', fileVersionId: 'v' });
    await queue.claim('w', [qcFile.kind], 1, 30_000);
    expect(await queue.release(lease(job.id, 'w', 1))).toBe(true);
    expect(await queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0, leaseUntil: null });
  });

  it('retries only dead jobs, with a fresh set of attempts', async () => {
    const { job } = await queue.enqueue(qcFile, { fileId: 'f', fileVersionId: 'v' });
    await expect(queue.retry(job.id)).rejects.toBeInstanceOf(JobNotRetryableError);
    await expect(queue.retry(987654)).rejects.toBeInstanceOf(JobNotFoundError);
    await queue.claim('w', [qcFile.kind], 1, 30_000);
    await queue.fail(lease(job.id, 'w', 1), { error: 'nope', permanent: true, retryInMs: 0 });
    const retried = await queue.retry(job.id);
    expect(retried).toMatchObject({ status: 'queued', attempts: 0, lastError: 'nope', finishedAt: null });
  });

  it('counts jobs by status and lists with filters', async () => {
    await queue.enqueue(qcFile, { fileId: 'a', fileVersionId: 'v' });
    const { job } = await queue.enqueue(qcFile, { fileId: 'b', fileVersionId: 'v' });
    await queue.claim('w', [qcFile.kind], 1, 30_000);
    expect(await queue.countByStatus()).toEqual({ queued: 1, running: 1, done: 0, dead: 0 });
    expect((await queue.list({ status: 'queued' })).map((j) => j.id)).toEqual([job.id]);
    expect(await queue.list({ kind: 'other' })).toEqual([]);
  });

  it('reports kinds it has no definition for', async () => {
    const other = defineJob('test.other', { payload: z.object({}) });
    await new JobQueue({ db: t.db, definitions: [other] }).enqueue(other, {});
    expect(await queue.unknownPendingKinds()).toEqual(['test.other']);
  });
});
