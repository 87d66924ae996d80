/**
 * `aiqc serve` and `aiqc worker` assembled: the webhook server with the pipeline's mapping, the
 * worker running the Box QC job, and the sweeper, all on one database (startService). Box
 * credentials are optional at start: the server accepts webhooks without them and the jobs
 * then fail permanently with the fix, so a misconfigured deployment is visible, not down.
 */
import type { Logger } from 'pino';
import { BoxClient } from '../box/client.js';
import { boxSettingsFromEnv } from '../box/settings.js';
import { readEnvironment, type Env, type PipelineSettings, type ServerSettings } from '../config/environment.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrations.js';
import type { BackoffPolicy } from '../jobs/backoff.js';
import { JobQueue } from '../jobs/queue.js';
import { createQcRuntime, QC_SECTIONS, type QcRuntime } from '../app/runtime.js';
import { startService, type RunningService } from '../server/service.js';
import { boxQcFileJob } from './box-qc-file.js';
import { reportPdfRendererFromEnv } from '../report/pdf.js';
import { createBoxQcFileHandler, type BoxQcJobDeps } from './job.js';
import { createWebhookFileMapper } from './mapper.js';
import { profileAppliesTo } from './profile-choice.js';
import { createSweeper, type Sweeper } from './sweeper.js';
import { createAlertWatcher, type AlertWatcher } from '../ops/alert-watch.js';
import { createNotifier, notifySettingsFromEnv, type Notify } from '../ops/notify.js';
import { createRunEvents } from '../web/run-events.js';
import { consoleSettingsFromEnv, DEFAULT_MAX_UPLOAD_MB, type ConsoleSettings } from '../web/settings.js';
import { createUploadQcHandler, uploadQcJob } from '../web/upload-job.js';

export type PipelineRole = 'serve' | 'worker';

export interface PipelineOptions {
  role: PipelineRole;
  /** Migrated; closed by `stop()`. */
  db: Db;
  runtime: QcRuntime;
  /** The process's one Box client (lazy); throws BoxConfigError when credentials are missing. */
  box: () => BoxClient;
  logger: Logger;
  settings: PipelineSettings;
  /** Required for `serve`. */
  http?: ServerSettings;
  tmpRoot?: string;
  /** The PDF report renderer (or why there is none); without it reports are HTML only. */
  reportPdf?: BoxQcJobDeps['reportPdf'];
  /** Run jobs in this process (default true); false serves webhooks only, for a separate `aiqc worker`. */
  runWorker?: boolean;
  /** Worker poll period when idle (default 1 s). */
  pollMs?: number;
  /** Queue retry backoff (default: the worker's). */
  backoff?: BackoffPolicy;
  clock?: () => number;
  /** AIQC_NOTIFY_URL's poster: `serve` then watches for dead jobs and silent folders (src/ops/alert-watch.ts). */
  notify?: Notify;
  alertIntervalMs?: number;
  /** Web console settings (serve); default: AIQC_MAX_UPLOAD_MB's default. */
  console?: ConsoleSettings;
}

export interface RunningPipeline extends RunningService {
  readonly queue: JobQueue;
  readonly sweeper: Sweeper | undefined;
  readonly alerts: AlertWatcher | undefined;
}

export async function startPipeline(options: PipelineOptions): Promise<RunningPipeline> {
  const { db, runtime, logger, settings } = options;
  // Uploads from the web console are jobs on the same queue, run by the same workers.
  const queue = new JobQueue({ db, definitions: [boxQcFileJob, uploadQcJob], ...(options.clock ? { clock: options.clock } : {}) });
  const runEvents = createRunEvents(db);
  const uploadHandler = createUploadQcHandler({ db, runtime, events: runEvents });
  const handler = createBoxQcFileHandler({
    box: options.box,
    runtime,
    db,
    tmpRoot: options.tmpRoot ?? runtime.settings.tmpDir,
    ...(options.reportPdf ? { reportPdf: options.reportPdf } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const serving = options.role === 'serve';
  if (serving && !options.http) throw new Error('startPipeline: role "serve" needs http settings');
  const sweeper = serving
    ? createSweeper({
        box: options.box,
        clients: runtime.clients,
        db,
        queue,
        logger,
        intervalMs: settings.sweepIntervalMs,
        graceMs: settings.sweepGraceMs,
        ...(options.clock ? { clock: options.clock } : {}),
      })
    : undefined;
  const alerts =
    serving && options.notify
      ? createAlertWatcher({
          db,
          notify: options.notify,
          logger: logger.child({ component: 'alerts' }),
          ...(options.alertIntervalMs ? { intervalMs: options.alertIntervalMs } : {}),
          ...(options.clock ? { clock: options.clock } : {}),
        })
      : undefined;
  const service = await startService({
    db,
    queue,
    logger,
    ...(options.runWorker === false ? {} : { worker: { handlers: [handler, uploadHandler], concurrency: settings.concurrency, leaseMs: settings.leaseMs, ...(options.pollMs ? { pollMs: options.pollMs } : {}), ...(options.backoff ? { backoff: options.backoff } : {}) } }),
    ...(serving && options.http
      ? {
          http: {
            port: options.http.port,
            host: options.http.host,
            basePath: options.http.basePath,
            webhookKeys: options.http.webhookKeys,
            onWebhookFile: createWebhookFileMapper({ clients: runtime.clients, db: db.kysely, appliesTo: profileAppliesTo(runtime), ...(options.clock ? { clock: options.clock } : {}) }),
            ...(options.clock ? { clock: options.clock } : {}),
            console: {
              runtime,
              events: runEvents,
              settings: options.console ?? { maxUploadBytes: DEFAULT_MAX_UPLOAD_MB * 1024 * 1024 },
              ...(options.clock ? { clock: options.clock } : {}),
            },
          },
        }
      : {}),
    background: [
      ...(sweeper ? [sweeper.task] : []),
      ...(alerts ? [alerts.task] : []),
      { name: 'run-events', start: () => undefined, stop: () => runEvents.close() },
    ],
    shutdownGraceMs: settings.shutdownGraceMs,
  });
  if (serving && !options.http?.webhookKeys.primary && !options.http?.webhookKeys.secondary) {
    logger.warn('BOX_WEBHOOK_PRIMARY_KEY and BOX_WEBHOOK_SECONDARY_KEY are unset: every webhook delivery will be refused (401). Copy the keys from the Box app\'s Webhooks tab.');
  }
  return { ...service, queue, sweeper, alerts };
}

/** Everything from the environment, as `aiqc serve` / `aiqc worker` (and the demo) run it. */
export async function startPipelineFromEnv(role: PipelineRole, env: Env, logger: Logger): Promise<RunningPipeline> {
  // Every section this role uses, parsed together: one start-up error lists every problem.
  const e = readEnvironment(env, [...QC_SECTIONS, 'pipeline', 'database', ...(role === 'serve' ? (['server'] as const) : [])]);
  const settings = e.pipeline;
  const serveConfig = role === 'serve' ? e.server : undefined;
  const notifySettings = role === 'serve' ? notifySettingsFromEnv(env) : undefined;
  const consoleSettings = consoleSettingsFromEnv(env);
  const runtime = await createQcRuntime(e.core, { ai: e.ai, pdf: e.pdf });
  let box: BoxClient | undefined;
  const boxClient = () => (box ??= new BoxClient({ settings: boxSettingsFromEnv(env), logger: logger.child({ component: 'box' }) }));
  try {
    boxClient();
  } catch (error) {
    logger.warn(`Box credentials are not usable (${oneLine((error as Error).message)}); aiqc starts anyway, and Box jobs will fail with the fix until they are set.`);
  }
  const reportPdf = await reportPdfRendererFromEnv(env);
  if (reportPdf.problem) logger.warn({ code: 'report_pdf_unavailable' }, `PDF reports are off (HTML only): ${reportPdf.problem}`);
  const db = await openDatabase(e.database, {
    onBackgroundError: (error) => logger.warn({ err: error.message }, 'database connection error outside a query (an idle connection dropped); the next query reconnects'),
  });
  try {
    await migrateToLatest(db);
    const running = await startPipeline({
      role,
      db,
      runtime,
      box: boxClient,
      logger,
      settings,
      console: consoleSettings,
      reportPdf,
      ...(serveConfig ? { http: serveConfig } : {}),
      ...(notifySettings ? { notify: createNotifier(notifySettings, { logger: logger.child({ component: 'notify' }) }) } : {}),
    });
    return {
      ...running,
      stop: async (...args: Parameters<RunningPipeline['stop']>) => {
        await running.stop(...args);
        await reportPdf.renderer?.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    await reportPdf.renderer?.close();
    throw error;
  }
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
