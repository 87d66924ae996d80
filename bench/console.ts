// Web console figures (DESIGN §9, issue 13), printed, never asserted:
//  1. upload → verdict in the browser: Chromium (playwright-core, the OS's /usr/bin/chromium)
//     signs in, uploads the demo image (feed_ok_1080x1080.jpg) on /check and waits for the
//     verdict in the role=status element; the real worker and QC engine run it.
//  2. `/` with 10,000 runs in history: p50/p95 of the server's answer (fetch, signed-in
//     cookie) and of a browser navigation (load event), unfiltered and filtered by client.
//   node --import ./bench/register.mjs bench/console.ts [--engines sqlite,postgres] [--runs 10000] [--uploads 5] [--loads 50]
// PostgreSQL: AIQC_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a
// throw-away schema.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { createSession, createUser } from '../src/auth/accounts.js';
import { hashPassword } from '../src/auth/passwords.js';
import { readEnvironment } from '../src/config/environment.js';
import { openDatabase, type DatabaseConfig } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { startPipeline } from '../src/pipeline/service.js';
import { createQcRuntime } from '../src/app/runtime.js';
import { writeImageSamples } from '../src/samples/images.js';

const { values } = parseArgs({
  options: {
    engines: { type: 'string', default: 'sqlite,postgres' },
    runs: { type: 'string', default: '10000' },
    uploads: { type: 'string', default: '5' },
    loads: { type: 'string', default: '50' },
  },
});
const PG_URL = process.env.AIQC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'bench password 1234';
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(0)} ms, p95 ${quantile(xs, 0.95).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (n=${xs.length})`;

async function benchEngine(engine: 'sqlite' | 'postgres'): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'aiqc-bench-console-'));
  const configDir = join(dir, 'config');
  await mkdir(configDir);
  await writeFile(
    join(configDir, 'clients.yaml'),
    ['clients:', ...['acme', 'globex', 'initech', 'umbrella'].flatMap((id, i) => [`  ${id}:`, `    name: ${id}`, '    profiles: [static_general, meta_feed_image]', '    default_profile: meta_feed_image', '    box:', '      folders:', `        - { incoming_folder_id: "${1000 + i}", reports_folder_id: "${2000 + i}" }`]), ''].join('\n'),
  );
  let schema: string | undefined;
  let config: DatabaseConfig;
  if (engine === 'sqlite') config = { engine: 'sqlite', path: join(dir, 'aiqc.sqlite') };
  else {
    schema = `aiqc_bench_console_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade; create schema "${schema}"`);
    await admin.end();
    config = { engine: 'postgres', connectionString: PG_URL, searchPath: schema };
  }
  const db = await openDatabase(config);
  await migrateToLatest(db);
  const runtime = await createQcRuntime(readEnvironment({ ...process.env, AIQC_CONFIG_DIR: configDir, AIQC_DATA_DIR: join(dir, 'data'), AIQC_TMP_DIR: dir }, ['core']).core);
  const pipeline = await startPipeline({
    role: 'serve',
    db,
    runtime,
    box: () => {
      throw new Error('Box is not used by this bench');
    },
    logger: pino({ level: 'silent' }),
    settings: { concurrency: 2, leaseMs: 30_000, shutdownGraceMs: 2_000, sweepIntervalMs: 3_600_000, sweepGraceMs: 0 },
    http: { port: 0, host: '127.0.0.1', basePath: '', webhookKeys: {} },
    tmpRoot: dir,
    pollMs: 50,
  });
  const user = await createUser(db.kysely, { email: 'bench@agency.example', role: 'admin', clients: [], passwordHash: await hashPassword(PASSWORD) });
  const [sample] = await writeImageSamples(dir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${pipeline.url}/login`);
    await page.getByLabel('Email').fill('bench@agency.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${pipeline.url}/`);

    const uploads: number[] = [];
    let verdict = '';
    let reportJson = '';
    for (let i = 0; i < Number(values.uploads); i++) {
      await page.goto(`${pipeline.url}/check`);
      await page.getByLabel('File', { exact: true }).setInputFiles(sample!.file);
      await page.getByLabel('Client', { exact: true }).selectOption('acme');
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Run checks' }).click();
      await page.getByRole('status').filter({ hasText: /^(pass|warn|fail|error)$/ }).waitFor({ timeout: 60_000 });
      uploads.push(performance.now() - t0);
      verdict = (await page.getByRole('status').textContent()) ?? '';
    }
    const row = await db.kysely.selectFrom('qc_runs').select('report').where('status', '=', 'done').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    reportJson = row.report;
    console.log(`${engine}: upload → verdict (${verdict}) in the browser, demo image ${sample!.file.split('/').pop()}: ${fmt(uploads)}`);

    // 10,000 runs of history (a real report's JSON in each row, as Box runs store it).
    const target = Number(values.runs);
    const clients = ['acme', 'globex', 'initech', 'umbrella'];
    const verdicts = ['pass', 'warn', 'fail', 'error'];
    const t0 = performance.now();
    for (let start = 0; start < target; start += 500) {
      const rows = Array.from({ length: Math.min(500, target - start) }, (_, k) => {
        const n = start + k;
        return {
          session_id: `20260101T000000Z-${n.toString(16).padStart(6, '0')}`,
          client_id: clients[n % 4]!,
          asset_name: `Campaign_${n}_1080x1080.jpg`,
          asset_kind: 'image',
          profile_id: 'meta_feed_image',
          score: 60 + (n % 41),
          verdict: verdicts[n % 4]!,
          report: reportJson,
          created_at: Date.now() - (target - n) * 60_000,
          source: 'box' as const,
          status: 'done' as const,
        };
      });
      await db.kysely.insertInto('qc_runs').values(rows).execute();
    }
    console.log(`${engine}: seeded ${target} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const cookie = `aiqc_session=${await createSession(db.kysely, user.id)}`;
    for (const [label, path] of [['/', '/'], ['/?client=acme', '/?client=acme'], ['/?verdict=fail', '/?verdict=fail']] as const) {
      const times: number[] = [];
      for (let i = 0; i < Number(values.loads) + 3; i++) {
        const s = performance.now();
        const response = await fetch(`${pipeline.url}${path}`, { headers: { cookie } });
        await response.text();
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        if (i >= 3) times.push(performance.now() - s);
      }
      console.log(`${engine}: GET ${label} with ${target} runs (server answer): ${fmt(times)}`);
    }
    const navigations: number[] = [];
    for (let i = 0; i < Math.min(20, Number(values.loads)) + 2; i++) {
      const s = performance.now();
      await page.goto(`${pipeline.url}/`, { waitUntil: 'load' });
      if (i >= 2) navigations.push(performance.now() - s);
    }
    console.log(`${engine}: / with ${target} runs, browser navigation to load: ${fmt(navigations)}`);
  } finally {
    await browser.close();
    await pipeline.stop();
    if (schema) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(`load: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min) on ${(await import('node:os')).cpus().length} cores`);
for (const engine of values.engines.split(',') as Array<'sqlite' | 'postgres'>) await benchEngine(engine);
