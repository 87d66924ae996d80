// One Box pipeline world per test: the Box emulator in-process, a client onboarded as the
// runbook does it (folders, service-account collaboration, clients.yaml, a webhook to aiqc),
// aiqc's server + worker via startPipeline on port 0, and a real SQLite or PostgreSQL database.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BoxClient } from '../../src/box/client.js';
import type { EmuFile, EmuFolder } from '../../src/box-emulator/index.js';
import type { Job } from '../../src/jobs/queue.js';
import { startPipeline, type PipelineOptions, type RunningPipeline } from '../../src/pipeline/service.js';
import type { PipelineSettings } from '../../src/config/environment.js';
import { builtinChecks } from '../../src/checks/index.js';
import { GENERAL_PROFILE_FOR_KIND, ProfileSet } from '../../src/config/profiles.js';
import { CheckCatalogue } from '../../src/qc/catalogue.js';
import { createQcRuntime, type QcRuntime } from '../../src/app/runtime.js';
import { boxQcFileDedupeKey } from '../../src/pipeline/box-qc-file.js';
import { createTestDatabase, type Engine, type TestDatabase } from '../db/test-databases.js';
import { startSeededEmulator, type SeededEmulator } from '../box-emulator/fixtures.js';
import { testSettings } from '../helpers/runtime.js';
import { KEYS, captureLogger, type CapturedLog } from '../server/support.js';

export const CLIENT_ID = 'acme';

export interface WorldOptions {
  engine: Engine;
  /** Run the worker in this process (default true). */
  runWorker?: boolean;
  /** Register the FILE.UPLOADED webhook on INCOMING pointing at aiqc (default true). */
  registerWebhook?: boolean;
  /** REPORTS folder where the service account is only a viewer. */
  readOnlyReports?: boolean;
  settings?: Partial<PipelineSettings>;
  /** The PDF report renderer handed to the pipeline (default none: HTML only). */
  reportPdf?: PipelineOptions['reportPdf'];
  /** The client's `report_formats` in clients.yaml (default: not set). */
  reportFormats?: string[];
}

export interface World {
  seed: SeededEmulator;
  t: TestDatabase;
  runtime: QcRuntime;
  pipeline: RunningPipeline;
  box: BoxClient;
  incoming: EmuFolder;
  reports: EmuFolder;
  configDir: string;
  tmpRoot: string;
  webhookUrl: string;
  logs: CapturedLog[];
  logger: Logger;
  /** Upload as the client's person (a new version when the name exists); fires webhooks like Box. */
  upload(name: string, content: Buffer | string): EmuFile;
  /** The job for the file's current version, once it is done or dead. */
  waitForJob(file: EmuFile, timeoutMs?: number): Promise<Job>;
  itemsIn(folderId: string): Array<{ type: 'file' | 'folder'; id: string; name: string }>;
  processedFolder(): EmuFolder | undefined;
  jobCount(): Promise<number>;
  close(): Promise<void>;
}

export const TEST_SETTINGS: PipelineSettings = {
  concurrency: 2,
  leaseMs: 2_000,
  shutdownGraceMs: 2_000,
  sweepIntervalMs: 3_600_000,
  sweepGraceMs: 0,
};

export async function startWorld(options: WorldOptions): Promise<World> {
  const seed = await startSeededEmulator({ signatureKeys: KEYS, webhookRetry: { maxAttempts: 3, delaysMs: [100], timeoutMs: 5_000 } });
  const admin = seed.emulator.admin;
  const incoming = seed.incoming;
  // REPORTS under INCOMING on purpose: Box's webhooks cascade, so aiqc's own report uploads come
  // back as FILE.UPLOADED events and must be ignored.
  const reports = options.readOnlyReports ? seed.viewerFolder : admin.createFolder({ name: 'REPORTS', parentId: incoming.id, ownerId: seed.owner.id });
  // The general profile of every asset family on main (video and PDF ones arrive with their families).
  const builtin = await ProfileSet.load({ catalogue: new CheckCatalogue(builtinChecks) });
  const profiles = [...new Set(Object.values(GENERAL_PROFILE_FOR_KIND))].filter((id) => builtin.has(id));
  const configDir = await mkdtemp(join(tmpdir(), 'aiqc-pipeline-config-'));
  await writeFile(
    join(configDir, 'clients.yaml'),
    [
      'clients:',
      `  ${CLIENT_ID}:`,
      '    name: Acme Drinks',
      `    profiles: [${profiles.join(', ')}]`,
      '    default_profile: static_general',
      '    box:',
      '      folders:',
      `        - { incoming_folder_id: "${incoming.id}", reports_folder_id: "${reports.id}" }`,
      ...(options.reportFormats ? [`    report_formats: [${options.reportFormats.join(', ')}]`] : []),
      '',
    ].join('\n'),
  );
  const tmpRoot = join(configDir, 'tmp');
  await mkdir(tmpRoot);
  const runtime = await createQcRuntime(testSettings({ configDir, tmpDir: tmpRoot }));
  const t = await createTestDatabase(options.engine);
  const { logger, lines } = captureLogger();
  const box = new BoxClient({
    settings: { auth: { kind: 'jwt', configPath: seed.jwtConfigPath }, baseUrls: seed.emulator.baseUrls },
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
  const pipeline = await startPipeline({
    role: 'serve',
    db: t.db,
    runtime,
    box: () => box,
    logger,
    settings: { ...TEST_SETTINGS, ...options.settings },
    http: { port: 0, host: '127.0.0.1', basePath: '', webhookKeys: KEYS },
    tmpRoot,
    pollMs: 25,
    backoff: { baseMs: 50, maxMs: 200 },
    runWorker: options.runWorker ?? true,
    ...(options.reportPdf ? { reportPdf: options.reportPdf } : {}),
  });
  const webhookUrl = `${pipeline.url}/api/box/webhook`;
  if (options.registerWebhook ?? true) await box.createWebhook({ targetId: incoming.id, address: webhookUrl });

  const world: World = {
    seed,
    t,
    runtime,
    pipeline,
    box,
    incoming,
    reports,
    configDir,
    tmpRoot,
    webhookUrl,
    logs: lines,
    logger,
    upload: (name, content) => admin.uploadAs({ userId: seed.owner.id, folderId: incoming.id, name, content }),
    async waitForJob(file, timeoutMs = 30_000) {
      const key = boxQcFileDedupeKey({ file_id: file.id, file_version_id: file.versions.at(-1)!.id });
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await pipeline.queue.getByDedupeKey(key);
        if (job && (job.status === 'done' || job.status === 'dead')) return job;
        if (Date.now() > deadline) throw new Error(`job for ${key} not finished after ${timeoutMs} ms (status ${job?.status ?? 'not enqueued'}, last error ${job?.lastError ?? '-'})`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    itemsIn(folderId) {
      const state = admin.state;
      const folders = [...state.folders.values()].filter((f) => f.parentId === folderId).map((f) => ({ type: 'folder' as const, id: f.id, name: f.name }));
      const files = [...state.files.values()].filter((f) => f.parentId === folderId).map((f) => ({ type: 'file' as const, id: f.id, name: f.name }));
      return [...folders, ...files];
    },
    processedFolder() {
      return [...admin.state.folders.values()].find((f) => f.parentId === incoming.id && f.name === '_PROCESSED');
    },
    async jobCount() {
      return (await pipeline.queue.list({ limit: 1000 })).length;
    },
    async close() {
      await pipeline.stop().catch(() => {});
      await t.cleanup();
      await seed.close();
      // A SIGKILLed worker's Chromium (the PDF renderer) outlives it for a moment and may still be
      // writing its profile under the temp root: retry the removal while it exits.
      await rm(configDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    },
  };
  return world;
}

/** Names left in the worker's temp root (each job's private folder must be gone). */
export async function leftovers(world: World): Promise<string[]> {
  return (await readdir(world.tmpRoot)).filter((n) => n.startsWith('aiqc-box-'));
}
