// Webhook ack latency: 1,000 Box-signed deliveries over real HTTP against `buildServer` on a
// real database, each one verified, recorded and turned into a durable job. The server runs in
// a child process so the client's own work does not share its event loop.
//   node --import ./bench/register.mjs bench/webhook-ack.ts [--count 1000] [--concurrency 1,10] [--engines sqlite,postgres]
// PostgreSQL: AIQC_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a
// throw-away schema. Timings are printed, never asserted.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { signBoxWebhookDelivery } from '../src/box/webhook-signature.js';
import { openDatabase, type DatabaseConfig } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { defineJob } from '../src/jobs/definition.js';
import { JobQueue } from '../src/jobs/queue.js';
import { buildServer } from '../src/server/app.js';
import { boxQcFileDedupeKey } from '../src/pipeline/box-qc-file.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '1,10' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    serve: { type: 'string' },
  },
});
const count = Number(values.count);
const concurrencies = values.concurrency.split(',').map(Number);
const engines = values.engines.split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.AIQC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const keys = { primary: 'bench-primary', secondary: 'bench-secondary' };
const job = defineJob('bench.box_file', { payload: z.object({ fileId: z.string(), fileVersionId: z.string() }) });

function body(n: number, run: string): string {
  return JSON.stringify({
    type: 'webhook_event',
    id: `${run}-evt-${n}`,
    created_at: new Date().toISOString(),
    trigger: 'FILE.UPLOADED',
    webhook: { id: 'wh-1', type: 'webhook' },
    source: {
      id: `${run}-file-${n}`,
      type: 'file',
      name: `campaign/2026/asset-${n}.mp4`,
      file_version: { type: 'file_version', id: 'v1', sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      parent: { type: 'folder', id: '1234', name: 'INCOMING' },
    },
  }).replaceAll('/', '\\/');
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function withEngine<T>(engine: 'sqlite' | 'postgres', fn: (config: DatabaseConfig) => Promise<T>): Promise<T> {
  if (engine === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'aiqc-bench-'));
    try {
      return await fn({ engine: 'sqlite', path: join(dir, 'aiqc.sqlite') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const schema = `aiqc_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  try {
    return await fn({ engine: 'postgres', connectionString: pgUrl, searchPath: schema });
  } finally {
    await admin.query(`drop schema "${schema}" cascade`);
    await admin.end();
  }
}

if (values.serve) {
  await serve(values.serve as 'sqlite' | 'postgres');
} else {
  await measure();
}

/** Child process: serve the webhook on a fresh database until SIGTERM. */
async function serve(engine: 'sqlite' | 'postgres'): Promise<void> {
  await withEngine(engine, async (config) => {
    const db = await openDatabase(config);
    await migrateToLatest(db);
    const queue = new JobQueue({ db, definitions: [job] });
    const app = await buildServer({
      db,
      queue,
      webhookKeys: keys,
      onWebhookFile: (event) => ({
        action: 'enqueue',
        kind: job.kind,
        payload: { fileId: event.fileId, fileVersionId: event.fileVersionId },
        dedupeKey: boxQcFileDedupeKey({ file_id: event.fileId, file_version_id: event.fileVersionId }),
      }),
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    process.stdout.write(`${url}\n`);
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    await app.close();
    await db.close();
  });
}

async function measure(): Promise<void> {
  console.log(`webhook ack latency: ${count} signed deliveries over HTTP per run (node ${process.version}, server in its own process)`);
  console.log('engine     in-flight   p50 ms   p90 ms   p99 ms   max ms   deliveries/s   jobs queued');
  for (const engine of engines) {
    const child = spawn(process.execPath, ['--experimental-strip-types', '--import', './bench/register.mjs', 'bench/webhook-ack.ts', '--serve', engine], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const base = line.trim();
    const url = `${base}/api/box/webhook`;
    try {
      // Warm up connections and JIT so the first measured request is not an outlier of setup.
      for (let n = 0; n < 50; n += 1) await send(url, body(n, `warm-${engine}`));
      for (const inFlight of concurrencies) {
        const run = `${engine}-c${inFlight}`;
        const latencies: number[] = [];
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            for (let n = next++; n < count; n = next++) {
              const t0 = performance.now();
              const status = await send(url, body(n, run));
              latencies.push(performance.now() - t0);
              if (status !== 200) throw new Error(`delivery ${n} answered ${status}`);
            }
          }),
        );
        const elapsedS = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        const queued = /^aiqc_jobs\{status="queued"\} (\d+)$/m.exec(metrics)?.[1] ?? '?';
        console.log(
          `${engine.padEnd(10)} ${String(inFlight).padStart(9)} ${[50, 90, 99].map((p) => percentile(latencies, p).toFixed(2).padStart(8)).join(' ')} ${latencies.at(-1)!.toFixed(2).padStart(8)} ${(count / elapsedS).toFixed(0).padStart(14)} ${queued.padStart(13)}`,
        );
      }
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }
}

async function send(url: string, payload: string): Promise<number> {
  const headers = { 'content-type': 'application/json', ...signBoxWebhookDelivery({ body: payload, keys, deliveryId: crypto.randomUUID() }) };
  const response = await fetch(url, { method: 'POST', body: payload, headers });
  await response.arrayBuffer();
  return response.status;
}
