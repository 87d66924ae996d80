/**
 * The sweeper (DESIGN §6): Box drops webhook deliveries now and then, and a same-name replace
 * upload is a new version that a missed delivery would leave unchecked. Every few minutes each
 * INCOMING folder is listed; a QC-able file version that has no job once the grace period has
 * passed is enqueued exactly as the webhook would have done it, and counted as a missed webhook.
 */
import type { Logger } from 'pino';
import pino from 'pino';
import type { BoxClient, BoxItem } from '../box/client.js';
import { BoxConfigError } from '../box/errors.js';
import type { ClientsConfig } from '../config/clients.js';
import { recordMissedWebhooks } from '../db/box-folder-health.js';
import type { Db } from '../db/database.js';
import { describeErrorChain } from '../jobs/errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { BackgroundTask } from '../server/service.js';
import { boxQcFileDedupeKey, boxQcFileJobFor, isReportName } from './box-qc-file.js';
import { isQcFileName } from './qc-extensions.js';

export interface SweeperDeps {
  box: () => BoxClient;
  clients: ClientsConfig;
  db: Db;
  queue: JobQueue;
  logger?: Logger;
  /** Time between sweeps (AIQC_SWEEP_INTERVAL_S). */
  intervalMs: number;
  /** A file younger than this is left to its webhook (AIQC_SWEEP_GRACE_S). */
  graceMs: number;
  clock?: () => number;
}

export interface SweepResult {
  folders: number;
  /** Jobs the sweeper created: uploads no webhook announced. */
  enqueued: Array<{ folderId: string; fileId: string; fileVersionId: string; name: string; jobId: number }>;
  /** Folders that could not be listed, with the reason. */
  failed: Array<{ folderId: string; error: string }>;
}

export interface Sweeper {
  /** One pass over every INCOMING folder. */
  sweepOnce(): Promise<SweepResult>;
  /** Runs `sweepOnce` now and every `intervalMs` until stopped; for `startService`. */
  task: BackgroundTask;
}

export function createSweeper(deps: SweeperDeps): Sweeper {
  const logger = (deps.logger ?? pino({ level: 'silent' })).child({ component: 'sweeper' });
  const clock = deps.clock ?? Date.now;
  /** When this process first saw a version whose modified time Box did not give. */
  const firstSeen = new Map<string, number>();
  let configWarned = false;

  const dueForSweep = (item: BoxItem, key: string, now: number): boolean => {
    const modified = item.modifiedAt ? Date.parse(item.modifiedAt) : Number.NaN;
    if (Number.isFinite(modified)) return now - modified >= deps.graceMs;
    const seen = firstSeen.get(key) ?? now;
    firstSeen.set(key, seen);
    return now - seen >= deps.graceMs;
  };

  async function sweepOnce(): Promise<SweepResult> {
    const result: SweepResult = { folders: 0, enqueued: [], failed: [] };
    let box: BoxClient;
    try {
      box = deps.box();
    } catch (error) {
      if (!(error instanceof BoxConfigError)) throw error;
      if (!configWarned) logger.warn(`sweeper idle: Box is not configured (${error.message})`);
      configWarned = true;
      return result;
    }
    for (const client of deps.clients.clients) {
      for (const folder of client.folders) {
        const folderId = folder.incoming_folder_id;
        result.folders += 1;
        let items: BoxItem[];
        try {
          items = await box.listAllItems(folderId);
        } catch (error) {
          result.failed.push({ folderId, error: describeErrorChain(error) });
          logger.error({ folder_id: folderId, client_id: client.id, err: describeErrorChain(error) }, `sweeper could not list INCOMING folder ${folderId}`);
          continue;
        }
        const now = clock();
        for (const item of items) {
          if (item.type !== 'file' || !item.versionId || isReportName(item.name) || !isQcFileName(item.name)) continue;
          const dedupeKey = boxQcFileDedupeKey({ file_id: item.id, file_version_id: item.versionId });
          if (await deps.queue.getByDedupeKey(dedupeKey)) {
            firstSeen.delete(dedupeKey);
            continue;
          }
          if (!dueForSweep(item, dedupeKey, now)) continue;
          // The same job the webhook would have enqueued (same payload shape, same dedupe key).
          const request = boxQcFileJobFor({ id: item.id, versionId: item.versionId, name: item.name }, { incomingFolderId: folderId, clientId: client.id }, new Date(now));
          const sessionId = request.payload.session_id;
          // Job and missed count commit together; a webhook that lands meanwhile dedupes on the key.
          const { job, created } = await deps.db.kysely.transaction().execute(async (trx) => {
            const enqueued = await deps.queue.enqueue(request.kind, request.payload, { dedupeKey: request.dedupeKey, trx });
            if (enqueued.created) await recordMissedWebhooks(trx, folderId, now);
            return enqueued;
          });
          firstSeen.delete(dedupeKey);
          if (!created) continue;
          result.enqueued.push({ folderId, fileId: item.id, fileVersionId: item.versionId, name: item.name, jobId: job.id });
          logger.warn(
            { folder_id: folderId, client_id: client.id, file_id: item.id, file_version_id: item.versionId, job_id: job.id, session_id: sessionId },
            `Box webhook missed: ${item.name} (file ${item.id} v${item.versionId}) in INCOMING folder ${folderId} had no job after ${Math.round(deps.graceMs / 1000)} s; ` +
              `enqueued job ${job.id} (session=${sessionId}). If this repeats, run \`aiqc box doctor\`.`,
          );
        }
      }
    }
    return result;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  const tick = (): void => {
    running = sweepOnce()
      .catch((error: unknown) => logger.error({ err: describeErrorChain(error) }, 'sweep failed; will try again next interval'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, deps.intervalMs);
      });
  };

  return {
    sweepOnce,
    task: {
      name: 'box-sweeper',
      start() {
        if (!stopped) return;
        stopped = false;
        logger.info({ interval_s: deps.intervalMs / 1000, grace_s: deps.graceMs / 1000 }, 'sweeper started');
        // First pass soon after start-up: it picks up uploads made while aiqc was down.
        timer = setTimeout(tick, Math.min(deps.intervalMs, 1_000));
      },
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
        await running;
      },
    },
  };
}
