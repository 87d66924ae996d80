import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { listFolderHealth, type FolderHealth } from '../db/box-folder-health.js';
import { JOB_STATUSES } from '../db/schema.js';
import type { JobQueue } from '../jobs/queue.js';
import { isSilent } from '../ops/folder-silence.js';

export interface ServerMetrics {
  registry: Registry;
  deliveries: Counter<'outcome'>;
  ackSeconds: Histogram<'status'>;
}

/**
 * Prometheus metrics on a registry of their own (no process-wide default registry, so several
 * servers in one process — tests — do not collide). Job and folder-health figures are read
 * from the database at scrape time, so they agree across every aiqc process.
 */
export function createServerMetrics(deps: { db: Db; queue: JobQueue; logger: Logger; registry?: Registry }): ServerMetrics {
  const registry = deps.registry ?? new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aiqc_' });

  const deliveries = new Counter({
    name: 'aiqc_webhook_deliveries_total',
    help: 'Box webhook deliveries received by this process, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: 'aiqc_webhook_ack_seconds',
    help: 'Time from receiving a Box webhook delivery to sending the response.',
    labelNames: ['status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  new Gauge({
    name: 'aiqc_jobs',
    help: 'Jobs in the queue, by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await deps.queue.countByStatus();
        for (const status of JOB_STATUSES) this.set({ status }, counts[status]);
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'metrics: could not count jobs');
      }
    },
  });

  // The registry collects all metrics concurrently, so the folder-health gauges share one
  // in-flight database read per scrape instead of reading once each.
  let inFlight: Promise<FolderHealth[] | undefined> | undefined;
  const readHealth = (): Promise<FolderHealth[] | undefined> => {
    inFlight ??= listFolderHealth(deps.db.kysely)
      .catch((error: unknown) => {
        deps.logger.warn({ err: (error as Error).message }, 'metrics: could not read webhook health');
        return undefined;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const perFolder = (name: string, help: string, value: (folder: FolderHealth) => number | undefined): void => {
    new Gauge({
      name,
      help,
      labelNames: ['folder_id'] as const,
      registers: [registry],
      async collect() {
        const health = await readHealth();
        if (!health) return;
        this.reset();
        for (const folder of health) {
          const v = value(folder);
          if (v !== undefined) this.set({ folder_id: folder.folderId }, v);
        }
      },
    });
  };
  new Gauge({
    name: 'aiqc_box_missed_webhooks_total',
    help: 'Uploads the sweeper found that no webhook announced, all folders.',
    registers: [registry],
    async collect() {
      const health = await readHealth();
      if (health) this.set(health.reduce((sum, folder) => sum + folder.missedCount, 0));
    },
  });
  perFolder('aiqc_box_missed_webhooks', 'Uploads the sweeper found that no webhook announced, per watched folder.', (f) => f.missedCount);
  perFolder('aiqc_box_last_delivery_timestamp_seconds', 'Time of the last verified webhook delivery, per watched folder.', (f) =>
    f.lastDeliveryAt === null ? undefined : f.lastDeliveryAt / 1000,
  );
  perFolder('aiqc_box_last_missed_timestamp_seconds', 'Time the sweeper last found an upload no webhook announced, per watched folder.', (f) =>
    f.lastMissedAt === null ? undefined : f.lastMissedAt / 1000,
  );
  perFolder('aiqc_box_folder_silent', '1 when the sweeper found an upload no webhook announced after the last delivery (Box stopped delivering).', (f) =>
    isSilent(f) ? 1 : 0,
  );
  new Gauge({
    name: 'aiqc_jobs_oldest_queued_age_seconds',
    help: 'How long the oldest job that is due has waited for a worker (0 when none waits).',
    registers: [registry],
    async collect() {
      try {
        const now = Date.now();
        const row = await deps.db.kysely
          .selectFrom('jobs')
          .select((eb) => eb.fn.min<number | null>('run_after').as('oldest'))
          .where('status', '=', 'queued')
          .where('run_after', '<=', now)
          .executeTakeFirst();
        const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
        this.set(oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000));
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'metrics: could not read the queue age');
      }
    },
  });
  perFolder('aiqc_box_webhook_deleted', '1 when Box reported deleting the webhook of this folder (WEBHOOK.DELETED).', (f) =>
    f.webhookDeletedAt === null ? 0 : 1,
  );

  return { registry, deliveries, ackSeconds };
}
