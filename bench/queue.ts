/**
 * Queue bench (not a test): enqueue + claim + complete of QUEUE_BENCH_JOBS (default 10,000)
 * no-op jobs with 1, 4 and 8 workers, on aiqc's queue (src/jobs) and on pg-boss, on the same
 * PostgreSQL database, side by side. Each queue gets its own schema, dropped before and after.
 *
 * For every worker count and queue, two numbers:
 *   - enqueue: the jobs sent one by one, 16 in flight (as webhook deliveries arrive);
 *   - drain: W workers, each a loop that claims one job, runs a no-op and completes it, until
 *     all are done. aiqc runs its real `Worker` (concurrency 1; it reaps expired leases once
 *     per poll period, 50 ms here, and completes a job and claims the next in one statement,
 *     as in production); pg-boss runs the same loop over its public
 *     `fetch` + `complete` (its `work()` waits a poll interval, ≥ 0.5 s, between one-job
 *     fetches unless a burst trigger is set, which would measure the poll, not the queue).
 * All workers live in this one Node process with one connection pool each (W + 2 connections),
 * so on a small machine Node's own CPU is part of what is measured, alike for both.
 * Besides wall time, the drain's CPU per job is given for this Node process and for the
 * PostgreSQL backends of each queue (by application_name, from /proc when the server runs on
 * this machine): on a shared machine wall time mostly measures the other tenants.
 *
 * After the enqueue both queues' tables are ANALYZEd, as autovacuum does on a deployment's
 * long-lived table: a table filled seconds ago has no statistics, and PostgreSQL then plans a
 * claim as if the backlog were two rows (ours: bitmap scan + sort of every queued job per claim,
 * a drain that slows with the square of the backlog). QUEUE_BENCH_ANALYZE=0 measures that cold
 * case instead.
 *
 * Run: npm run bench:queue   (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 * QUEUE_BENCH_JOBS, QUEUE_BENCH_WORKERS=1,4,8, QUEUE_BENCH_QUEUES=aiqc,pg-boss, QUEUE_BENCH_ANALYZE)
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { defineJob, handleJob, JobQueue, Worker } from '../src/jobs/index.js';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const JOBS = Number(process.env.QUEUE_BENCH_JOBS ?? 10_000);
const WORKERS = (process.env.QUEUE_BENCH_WORKERS ?? '1,4,8').split(',').map(Number);
const QUEUES = (process.env.QUEUE_BENCH_QUEUES ?? 'aiqc,pg-boss').split(',');
const IN_FLIGHT = 16;
const AIQC_SCHEMA = 'bench_queue_aiqc';
const BOSS_SCHEMA = 'bench_queue_pgboss';
const AIQC_APP = 'bench-queue-aiqc';
const BOSS_APP = 'bench-queue-pgboss';

const noop = defineJob('bench.noop', { payload: z.object({ n: z.number() }), maxAttempts: 3 });

const ANALYZE = process.env.QUEUE_BENCH_ANALYZE !== '0';

/** Statistics for a freshly filled table, as autovacuum would gather on a long-lived one. */
async function analyze(table: string): Promise<void> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    await client.query(`analyze ${table}`);
  } finally {
    await client.end();
  }
}

async function dropSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    for (const schema of [AIQC_SCHEMA, BOSS_SCHEMA]) await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** Run `fn(i)` for i in [0, n) with at most `limit` calls in flight. */
async function pooled(n: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

interface Timing {
  enqueue_s: number;
  drain_s: number;
  /** CPU time of this Node process during the drain, ms per job. */
  node_cpu_ms: number;
  /** CPU time of the PostgreSQL backends serving this queue during the drain, ms per job. */
  pg_cpu_ms: number;
}

/**
 * CPU seconds used so far by the PostgreSQL backends whose application_name is `app` (the
 * server runs on this machine: /proc/<pid>/stat). On a busy machine wall time mostly measures
 * the other tenants; CPU per job measures the queue.
 */
async function backendCpuS(app: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [app]);
    const ticks = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        // Server on another machine, or the backend just exited: no figure.
      }
    }
    return ticks;
  } finally {
    await client.end();
  }
}

/** Measure a drain: wall seconds, Node CPU and backend CPU (ms per job). */
async function measureDrain(app: string, drain: () => Promise<void>): Promise<Omit<Timing, 'enqueue_s'>> {
  const before = await backendCpuS(app);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await drain();
  const drain_s = seconds(t0);
  const cpu = process.cpuUsage(cpu0);
  const after = await backendCpuS(app);
  let pgS = 0;
  for (const [pid, s] of after) pgS += s - (before.get(pid) ?? 0);
  return { drain_s, node_cpu_ms: (cpu.user + cpu.system) / 1000 / JOBS, pg_cpu_ms: (pgS * 1000) / JOBS };
}

async function benchAiqc(workers: number): Promise<Timing> {
  await dropSchemas();
  const db: Db = await openDatabase({ engine: 'postgres', connectionString: URL, searchPath: AIQC_SCHEMA, maxConnections: workers + 2, applicationName: AIQC_APP });
  try {
    await migrateToLatest(db);
    const queue = new JobQueue({ db, definitions: [noop] });
    const t0 = performance.now();
    await pooled(JOBS, IN_FLIGHT, (n) => queue.enqueue(noop, { n }));
    const enqueue_s = seconds(t0);
    if (ANALYZE) await analyze(`${AIQC_SCHEMA}.jobs`);

    let handled = 0;
    let allHandled!: () => void;
    const finished = new Promise<void>((resolve) => (allHandled = resolve));
    const handler = handleJob(noop, async () => {
      if (++handled === JOBS) allHandled();
      return null;
    });
    const drain = await measureDrain(AIQC_APP, async () => {
      const pool = Array.from({ length: workers }, (_, i) => new Worker({ queue, handlers: [handler], concurrency: 1, pollMs: 50, workerId: `bench-${i}` }));
      await Promise.all(pool.map((w) => w.start()));
      await finished;
      await Promise.all(pool.map((w) => w.stop()));
    });
    const counts = await queue.countByStatus();
    if (counts.done !== JOBS) throw new Error(`aiqc queue: ${counts.done} of ${JOBS} jobs done (${JSON.stringify(counts)})`);
    return { enqueue_s, ...drain };
  } finally {
    await db.close();
  }
}

async function benchPgBoss(workers: number): Promise<Timing> {
  await dropSchemas();
  const boss = new PgBoss({ connectionString: URL, schema: BOSS_SCHEMA, max: workers + 2, supervise: false, schedule: false, application_name: BOSS_APP });
  boss.on('error', (err) => console.error('pg-boss:', err));
  await boss.start();
  const pool = new pg.Pool({ connectionString: URL, max: 1 });
  try {
    const name = 'bench-noop';
    await boss.createQueue(name);
    const t0 = performance.now();
    await pooled(JOBS, IN_FLIGHT, (n) => boss.send(name, { n }));
    const enqueue_s = seconds(t0);
    if (ANALYZE) await analyze(`${BOSS_SCHEMA}.job`);

    let done = 0;
    const drain = await measureDrain(BOSS_APP, async () => {
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (done < JOBS) {
            const [job] = await boss.fetch<{ n: number }>(name);
            if (!job) continue;
            await boss.complete(name, job.id);
            done++;
          }
        }),
      );
    });
    const { rows } = await pool.query<{ n: string }>(`select count(*) as n from ${BOSS_SCHEMA}.job where state = 'completed'`);
    if (Number(rows[0]!.n) !== JOBS) throw new Error(`pg-boss: ${rows[0]!.n} of ${JOBS} jobs completed`);
    return { enqueue_s, ...drain };
  } finally {
    await pool.end();
    await boss.stop({ graceful: false });
  }
}

async function main(): Promise<void> {
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('show server_version');
  await client.end();
  console.log(`Queue bench — ${JOBS} no-op jobs; PostgreSQL ${rows[0]!.server_version}; ${availableParallelism()} CPUs; load average ${load()} at start; tables ${ANALYZE ? "ANALYZEd after the enqueue" : "cold (no statistics)"}`);
  console.log('| workers | queue | enqueue (s) | enqueue jobs/s | drain (s) | claim+complete jobs/s | drain CPU ms/job: Node | PostgreSQL |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const w of WORKERS) {
    const contenders = [['aiqc', 'aiqc (src/jobs)', benchAiqc], ['pg-boss', 'pg-boss 12', benchPgBoss]] as const;
    for (const [, label, bench] of contenders.filter(([id]) => QUEUES.includes(id))) {
      const t = await bench(w);
      console.log(
        `| ${w} | ${label} | ${t.enqueue_s.toFixed(1)} | ${Math.round(JOBS / t.enqueue_s)} | ${t.drain_s.toFixed(1)} | ${Math.round(JOBS / t.drain_s)} | ${t.node_cpu_ms.toFixed(2)} | ${t.pg_cpu_ms.toFixed(2)} |`,
      );
    }
  }
  await dropSchemas();
  console.log(`load average at end: ${load()}`);
}

await main();
