import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/jobs/queue.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';
import { countEffects, createEffectsTable, effectJob } from './fixtures/effect-jobs.js';

const children = new Set<ChildProcess>();

function startWorkerProcess(t: TestDatabase, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--experimental-strip-types', '--import', './bench/register.mjs', 'test/jobs/fixtures/worker-process.ts'], {
    env: { ...process.env, AIQC_TEST_DB_CONFIG: JSON.stringify(t.config), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker process exited early (code ${code}): ${stderr}`)));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopGracefully(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const tooLong = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('worker did not exit within 15 s of SIGTERM')), 15_000);
  });
  try {
    const [code] = (await Promise.race([exited, tooLong])) as [number | null];
    return code;
  } finally {
    clearTimeout(timer);
  }
}

describe.each(ENGINES)('workers in separate processes on %s', (engine) => {
  let t: TestDatabase;
  let queue: JobQueue;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await createEffectsTable(t.db.kysely);
    queue = new JobQueue({ db: t.db, definitions: [effectJob] });
  });
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await sql`delete from jobs`.execute(t.db.kysely);
    await sql`delete from test_effects`.execute(t.db.kysely);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('three worker processes run each of 150 jobs exactly once', async () => {
    // Workers first, then the jobs: all three are polling when work arrives, so whether the
    // work is shared does not hang on which process happened to start first on a busy machine
    // (a worker completes a job and claims the next in one commit, so an early starter could
    // otherwise drain all 150 alone). 10 ms a job keeps one worker busy for longer than a poll.
    const workers = await Promise.all(
      ['p1', 'p2', 'p3'].map((name) => startWorkerProcess(t, { WORKER_NAME: name, CONCURRENCY: '4', POLL_MS: '20' })),
    );
    for (let n = 0; n < 150; n += 1) await queue.enqueue(effectJob, { n, workMs: 10, hangOnFirstAttempt: false });
    await waitFor('all jobs done', async () => (await queue.countByStatus()).done === 150);
    const codes = await Promise.all(workers.map(stopGracefully));
    expect(codes).toEqual([0, 0, 0]);

    const effects = await countEffects(t.db.kysely);
    expect(effects).toHaveLength(300);
    expect(effects.every((e) => e.n === 1)).toBe(true);
    const jobs = await queue.list({ limit: 1000 });
    expect(jobs.every((j) => j.status === 'done' && j.attempts === 1)).toBe(true);
    // The work really was shared, not done by one process while the others idled.
    const byWorker = new Set(jobs.map((j) => j.lockedBy));
    expect(byWorker.size).toBeGreaterThanOrEqual(2);
  });

  it('a worker killed with SIGKILL mid-job: another reclaims it and every side effect happens once', async () => {
    const { job } = await queue.enqueue(effectJob, { n: 1, workMs: 0, hangOnFirstAttempt: true });
    const victim = await startWorkerProcess(t, { WORKER_NAME: 'victim', LEASE_MS: '1500' });
    // Step one committed with its checkpoint; the handler now hangs.
    await waitFor('step one of attempt 1', async () => (await countEffects(t.db.kysely)).some((e) => e.step === 'one'));
    expect(await queue.get(job.id)).toMatchObject({ status: 'running', lockedBy: 'victim', attempts: 1, progress: { one: true } });
    const killed = once(victim, 'exit');
    victim.kill('SIGKILL');
    const [, signal] = (await killed) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');

    const rescuer = await startWorkerProcess(t, { WORKER_NAME: 'rescuer', LEASE_MS: '1500' });
    const done = await waitFor('the job to be done', async () => {
      const current = await queue.get(job.id);
      return current?.status === 'done' ? current : undefined;
    });
    expect(await stopGracefully(rescuer)).toBe(0);

    expect(done).toMatchObject({ attempts: 2, lockedBy: 'rescuer', result: { n: 1, by: 'rescuer' }, progress: { one: true, two: true } });
    expect(done.lastError).toMatch(/lease expired: worker victim stopped heartbeating/);
    expect(await countEffects(t.db.kysely)).toEqual([
      { job_id: job.id, step: 'one', n: 1 },
      { job_id: job.id, step: 'two', n: 1 },
    ]);
    const { rows } = await sql<{ step: string; worker: string }>`select step, worker from test_effects order by step`.execute(t.db.kysely);
    expect(rows).toEqual([
      { step: 'one', worker: 'victim' },
      { step: 'two', worker: 'rescuer' },
    ]);
  });

  it('SIGTERM lets a running job finish within the grace period, then exits 0', async () => {
    const { job } = await queue.enqueue(effectJob, { n: 7, workMs: 800, hangOnFirstAttempt: false });
    const worker = await startWorkerProcess(t, { WORKER_NAME: 'graceful', GRACE_MS: '10000' });
    await waitFor('the job to start', async () => (await queue.get(job.id))?.status === 'running');
    expect(await stopGracefully(worker)).toBe(0);
    expect(await queue.get(job.id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('SIGTERM releases a job that outlives the grace period, without spending its attempt', async () => {
    const { job } = await queue.enqueue(effectJob, { n: 8, workMs: 0, hangOnFirstAttempt: true });
    const worker = await startWorkerProcess(t, { WORKER_NAME: 'impatient', GRACE_MS: '300' });
    await waitFor('step one', async () => (await countEffects(t.db.kysely)).length === 1);
    expect(await stopGracefully(worker)).toBe(0);
    expect(await queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0, leaseUntil: null, progress: { one: true } });
  });

  it('a second SIGTERM exits at once with 130, leaving the job for lease expiry', async () => {
    const { job } = await queue.enqueue(effectJob, { n: 9, workMs: 0, hangOnFirstAttempt: true });
    const worker = await startWorkerProcess(t, { WORKER_NAME: 'stubborn', GRACE_MS: '60000' });
    await waitFor('step one', async () => (await countEffects(t.db.kysely)).length === 1);
    const exited = once(worker, 'exit');
    worker.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    worker.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(130);
    expect(await queue.get(job.id)).toMatchObject({ status: 'running', lockedBy: 'stubborn' });
  });
});
