import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { listFolderHealth } from '../db/box-folder-health.js';
import { JOB_STATUSES } from '../db/schema.js';
import type { JobQueue } from '../jobs/queue.js';

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

  // One database read fills every folder-health gauge; it hangs off the first of them to be
  // registered, because the registry collects (and serialises) metrics in registration order.
  const lastDelivery = new Gauge({
    name: 'aiqc_box_last_delivery_timestamp_seconds',
    help: 'Time of the last verified webhook delivery, per watched folder.',
    labelNames: ['folder_id'] as const,
    registers: [],
  });
  const missed = new Gauge({
    name: 'aiqc_box_missed_webhooks',
    help: 'Uploads the sweeper found that no webhook announced, per watched folder.',
    labelNames: ['folder_id'] as const,
    registers: [],
  });
  const missedTotal = new Gauge({
    name: 'aiqc_box_missed_webhooks_total',
    help: 'Uploads the sweeper found that no webhook announced, all folders.',
    registers: [],
  });
  const deleted = new Gauge({
    name: 'aiqc_box_webhook_deleted',
    help: '1 when Box reported deleting the webhook of this folder (WEBHOOK.DELETED).',
    labelNames: ['folder_id'] as const,
    registers: [],
  });
  new Gauge({
    name: 'aiqc_box_watched_folders',
    help: 'Box folders with webhook health records.',
    registers: [registry],
    async collect() {
      try {
        const health = await listFolderHealth(deps.db.kysely);
        for (const gauge of [lastDelivery, missed, deleted]) gauge.reset();
        let total = 0;
        for (const folder of health) {
          total += folder.missedCount;
          missed.set({ folder_id: folder.folderId }, folder.missedCount);
          if (folder.lastDeliveryAt !== null) lastDelivery.set({ folder_id: folder.folderId }, folder.lastDeliveryAt / 1000);
          deleted.set({ folder_id: folder.folderId }, folder.webhookDeletedAt === null ? 0 : 1);
        }
        missedTotal.set(total);
        this.set(health.length);
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'metrics: could not read webhook health');
      }
    },
  });
  for (const gauge of [missedTotal, missed, lastDelivery, deleted]) registry.registerMetric(gauge);

  return { registry, deliveries, ackSeconds };
}
