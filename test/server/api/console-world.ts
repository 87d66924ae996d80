// One console world per test file: a real database (SQLite or PostgreSQL), the real QC runtime,
// `startPipeline` serving HTTP (webhook + console on one port) with its worker, two clients and
// three accounts (an admin and a member of each client), each with an API token.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApiToken, createUser } from '../../../src/auth/accounts.js';
import { hashPassword } from '../../../src/auth/passwords.js';
import { BoxConfigError } from '../../../src/box/errors.js';
import { boxQcFileJob } from '../../../src/pipeline/box-qc-file.js';
import { startPipeline, type RunningPipeline } from '../../../src/pipeline/service.js';
import { createQcRuntime, type QcRuntime } from '../../../src/app/runtime.js';
import { createTestDatabase, type Engine, type TestDatabase } from '../../db/test-databases.js';
import { makeImage } from '../../helpers/images.js';
import { testSettings } from '../../helpers/runtime.js';

export const PASSWORD = 'correct horse battery staple';
export const ACCOUNTS = {
  admin: { email: 'admin@agency.example', role: 'admin', clients: [] },
  acme: { email: 'ann@agency.example', role: 'member', clients: ['acme'] },
  globex: { email: 'gil@agency.example', role: 'member', clients: ['globex'] },
} as const;
export type AccountName = keyof typeof ACCOUNTS;

export interface ConsoleWorld {
  t: TestDatabase;
  runtime: QcRuntime;
  pipeline: RunningPipeline;
  url: string;
  basePath: string;
  dir: string;
  tokens: Record<AccountName, string>;
  /** A PNG that passes the general image profile. */
  imagePath: string;
  imageBytes: Buffer;
  waitForRun(runId: string, timeoutMs?: number): Promise<{ status: string; verdict: string | null }>;
  /** A Box job that goes dead at once (Box is not configured in this world). */
  deadJob(): Promise<number>;
  close(): Promise<void>;
}

export async function startConsoleWorld(options: {
  engine: Engine;
  basePath?: string;
  maxUploadBytes?: number;
  loginRateLimit?: number;
  runWorker?: boolean;
  ssePollMs?: number;
}): Promise<ConsoleWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'aiqc-console-'));
  const configDir = join(dir, 'config');
  const dataDir = join(dir, 'data');
  await mkdir(configDir);
  await mkdir(dataDir);
  await writeFile(
    join(configDir, 'clients.yaml'),
    [
      'clients:',
      '  acme:',
      '    name: Acme Drinks',
      '    profiles: [static_general, meta_feed_image, file_basic]',
      '    default_profile: static_general',
      '    box:',
      '      folders:',
      '        - { incoming_folder_id: "1001", reports_folder_id: "1002" }',
      '  globex:',
      '    name: Globex Foods',
      '    profiles: [static_general, file_basic]',
      '    default_profile: static_general',
      '    box:',
      '      folders:',
      '        - { incoming_folder_id: "2001", reports_folder_id: "2002" }',
      '',
    ].join('\n'),
  );
  const runtime = await createQcRuntime(testSettings({ configDir, dataDir, tmpDir: dir }));
  const t = await createTestDatabase(options.engine);
  const basePath = options.basePath ?? '';
  const pipeline = await startPipeline({
    role: 'serve',
    db: t.db,
    runtime,
    box: () => {
      throw new BoxConfigError('Box is not configured in this test world.', ['no credentials']);
    },
    logger: pino({ level: 'silent' }),
    settings: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 2_000, sweepIntervalMs: 3_600_000, sweepGraceMs: 0 },
    http: { port: 0, host: '127.0.0.1', basePath, webhookKeys: {} },
    tmpRoot: dir,
    pollMs: 25,
    backoff: { baseMs: 20, maxMs: 50 },
    console: {
      maxUploadBytes: options.maxUploadBytes ?? 20 * 1024 * 1024,
      ...(options.loginRateLimit ? { loginAttemptsPerMinute: options.loginRateLimit } : {}),
      ...(options.ssePollMs ? { ssePollMs: options.ssePollMs } : {}),
    },
    runWorker: options.runWorker ?? true,
  });
  // Cheap scrypt parameters for speed; verification reads them from the hash.
  const passwordHash = await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 });
  const tokens = {} as Record<AccountName, string>;
  for (const [name, account] of Object.entries(ACCOUNTS) as Array<[AccountName, (typeof ACCOUNTS)[AccountName]]>) {
    await createUser(t.db.kysely, { email: account.email, role: account.role, clients: account.clients, passwordHash });
    tokens[name] = await createApiToken(t.db.kysely, account.email, 'test');
  }
  const imagePath = await makeImage(dir, 'Summer_Banner_1080.png', { format: 'png', width: 1080, height: 1080, icc: 'srgb' });
  return {
    t,
    runtime,
    pipeline,
    url: pipeline.url!,
    basePath,
    dir,
    tokens,
    imagePath,
    imageBytes: await readFile(imagePath),
    async waitForRun(runId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await t.db.kysely.selectFrom('qc_runs').select(['status', 'verdict']).where('session_id', '=', runId).executeTakeFirst();
        if (row && (row.status === 'done' || row.status === 'error')) return { status: row.status, verdict: row.verdict };
        if (Date.now() > deadline) throw new Error(`run ${runId} not finished after ${timeoutMs} ms (status ${row?.status ?? 'missing'})`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async deadJob() {
      const { job } = await pipeline.queue.enqueue(boxQcFileJob, { file_id: '9', file_version_id: '1', file_name: 'Late.png', folder_id: '1001', client_id: 'acme' });
      const deadline = Date.now() + 15_000;
      for (;;) {
        const current = await pipeline.queue.get(job.id);
        if (current?.status === 'dead') return job.id;
        if (Date.now() > deadline) throw new Error(`job ${job.id} did not go dead (status ${current?.status})`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await pipeline.stop();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body for app.inject or fetch. */
export function multipartBody(parts: Array<{ name: string; value: string } | { name: string; filename: string; content: Buffer; type?: string }>): { body: Buffer; contentType: string } {
  const boundary = `----aiqc${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('filename' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`));
      chunks.push(part.content, Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
