// Webhook ack latency under a steady Box-like load: signed deliveries at a fixed rate (open
// loop: a slow answer does not slow the sender, as Box does not wait) over real HTTP into ONE
// folder, against `buildServer` on a real database in its own process. Every 20th delivery is
// sent again with a new delivery id, as Box retries. Afterwards the server counts what it
// stored: lost = acknowledged events without a delivery row or job, duplicated = jobs beyond
// one per file version.
//   npm run bench:webhook -- [--rate 200] [--duration 60] [--engines sqlite,postgres]
// PostgreSQL: AIQC_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a
// throw-away schema. Timings are printed, never asserted.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
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
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '60' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    serve: { type: 'string' },
  },
});
const rate = Number(values.rate);
const durationS = Number(values.duration);
const engines = values.engines.split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.AIQC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const keys = { primary: 'bench-primary', secondary: 'bench-secondary' };
const job = defineJob('bench.box_file', { payload: z.object({ fileId: z.string(), fileVersionId: z.string() }) });
const FOLDER = '1234';

function body(n: number, run: number): string {
  return JSON.stringify({
    type: 'webhook_event',
    id: `${run}-evt-${n}`,
    created_at: new Date().toISOString(),
    trigger: 'FILE.UPLOADED',
    webhook: { id: '7001', type: 'webhook' },
    source: {
      id: String(run * 10_000_000 + n),
      type: 'file',
      name: `campaign/2026/asset-${n}.mp4`,
      file_version: { type: 'file_version', id: '1', sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      parent: { type: 'folder', id: FOLDER, name: 'INCOMING' },
    },
  }).replaceAll('/', '\\/');
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

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

/** Child process: serve the webhook on a fresh database; on SIGTERM print what was stored. */
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
        folderId: FOLDER,
      }),
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    process.stdout.write(`${url}\n`);
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    await app.close();
    const count = async (query: ReturnType<typeof sql<{ n: number | string }>>): Promise<number> => Number((await query.execute(db.kysely)).rows[0]?.n ?? 0);
    const stored = {
      deliveries: await count(sql`select count(*) as n from webhook_deliveries`),
      payloadIds: await count(sql`select count(distinct payload_id) as n from webhook_deliveries`),
      jobs: await count(sql`select count(*) as n from jobs`),
      fileVersions: await count(sql`select count(distinct dedupe_key) as n from jobs`),
      deliveriesWithJob: await count(sql`select count(*) as n from webhook_deliveries d join jobs j on j.id = d.job_id`),
      healthLastDelivery: await count(sql`select coalesce(max(last_delivery_at), 0) as n from box_folder_health`),
    };
    process.stdout.write(`${JSON.stringify(stored)}\n`);
    await db.close();
  });
}

async function measure(): Promise<void> {
  const total = Math.round(rate * durationS);
  console.log(`webhook ack: ${rate} signed deliveries/s for ${durationS} s into one folder (every 20th repeated as a Box retry), server in its own process, node ${process.version}`);
  console.log('engine      sent   p50 ms   p90 ms   p99 ms   max ms   achieved/s   non-200   lost   duplicated');
  for (const [index, engine] of engines.entries()) {
    const child = spawn(process.execPath, ['--no-warnings', '--experimental-transform-types', '--import', './bench/register.mjs', 'bench/webhook-ack.ts', '--serve', engine], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const iterator = lines[Symbol.asyncIterator]();
    const base = String((await iterator.next()).value).trim();
    const url = `${base}/api/box/webhook`;
    const run = index + 1;
    for (let n = 0; n < 50; n += 1) await send(url, body(1_000_000 + n, run));
    const latencies: number[] = [];
    const acked = new Set<string>();
    let non200 = 0;
    const inFlight: Array<Promise<void>> = [];
    const started = performance.now();
    for (let n = 0; n < total; n += 1) {
      const due = started + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const event = n % 20 === 19 ? n - 10 : n; // a Box retry of an earlier event
      const payload = body(event, run);
      inFlight.push(
        (async () => {
          const t0 = performance.now();
          const status = await send(url, payload).catch(() => 0);
          latencies.push(performance.now() - t0);
          if (status === 200) acked.add(`${run}-evt-${event}`);
          else non200 += 1;
        })(),
      );
    }
    await Promise.all(inFlight);
    const elapsedS = (performance.now() - started) / 1000;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const stored = JSON.parse(String((await iterator.next()).value)) as Record<string, number>;
    await exited;
    latencies.sort((a, b) => a - b);
    // 50 warm-up events are stored too.
    const lost = acked.size + 50 - Math.min(stored['payloadIds'] ?? 0, stored['deliveriesWithJob'] ?? 0);
    const duplicated = (stored['jobs'] ?? 0) - (stored['fileVersions'] ?? 0);
    console.log(
      `${engine.padEnd(10)} ${String(total).padStart(6)} ${[50, 90, 99].map((p) => percentile(latencies, p).toFixed(2).padStart(8)).join(' ')} ${(latencies.at(-1) ?? NaN).toFixed(2).padStart(8)} ${(total / elapsedS).toFixed(0).padStart(12)} ${String(non200).padStart(9)} ${String(lost).padStart(6)} ${String(duplicated).padStart(12)}`,
    );
    console.log(`           stored: ${JSON.stringify(stored)}`);
  }
}

async function send(url: string, payload: string): Promise<number> {
  const headers = { 'content-type': 'application/json', ...signBoxWebhookDelivery({ body: payload, keys, deliveryId: crypto.randomUUID() }) };
  const response = await fetch(url, { method: 'POST', body: payload, headers });
  await response.arrayBuffer();
  return response.status;
}
