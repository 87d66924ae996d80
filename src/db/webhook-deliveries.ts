import type { Kysely } from 'kysely';
import type { Database, DeliveryOutcome, WebhookDeliveryRow } from './schema.js';

export interface DeliveryInput {
  payloadId: string;
  deliveryId?: string | null;
  webhookId?: string | null;
  trigger: string;
  folderId?: string | null;
  fileId?: string | null;
  fileVersionId?: string | null;
  receivedAt: number;
  outcome: DeliveryOutcome;
  jobId?: number | null;
  detail?: string | null;
}

export interface WebhookDelivery extends Required<DeliveryInput> {
  id: number;
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    payloadId: row.payload_id,
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    trigger: row.trigger,
    folderId: row.folder_id,
    fileId: row.file_id,
    fileVersionId: row.file_version_id,
    receivedAt: row.received_at,
    outcome: row.outcome,
    jobId: row.job_id,
    detail: row.detail,
  };
}

/**
 * Record a delivery unless one with the same payload id is already stored (Box retries a
 * delivery with a new BOX-DELIVERY-ID but the same payload id). Returns the new row's id, or
 * `undefined` for a repeat.
 */
export async function insertDeliveryOnce(db: Kysely<Database>, delivery: DeliveryInput): Promise<number | undefined> {
  const row = await db
    .insertInto('webhook_deliveries')
    .values({
      payload_id: delivery.payloadId,
      delivery_id: delivery.deliveryId ?? null,
      webhook_id: delivery.webhookId ?? null,
      trigger: delivery.trigger,
      folder_id: delivery.folderId ?? null,
      file_id: delivery.fileId ?? null,
      file_version_id: delivery.fileVersionId ?? null,
      received_at: delivery.receivedAt,
      outcome: delivery.outcome,
      job_id: delivery.jobId ?? null,
      detail: delivery.detail ?? null,
    })
    .onConflict((oc) => oc.column('payload_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function setDeliveryOutcome(
  db: Kysely<Database>,
  id: number,
  outcome: { outcome: DeliveryOutcome; jobId?: number | null; detail?: string | null },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ outcome: outcome.outcome, job_id: outcome.jobId ?? null, detail: outcome.detail ?? null })
    .where('id', '=', id)
    .execute();
}

export async function getDeliveryByPayloadId(db: Kysely<Database>, payloadId: string): Promise<WebhookDelivery | undefined> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('payload_id', '=', payloadId).executeTakeFirst();
  return row ? toDelivery(row) : undefined;
}


/** The newest delivery records first (the webhook fuzz test reads what was stored). */
export async function listDeliveries(db: Kysely<Database>, filter: { limit?: number } = {}): Promise<WebhookDelivery[]> {
  const rows = await db.selectFrom('webhook_deliveries').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
  return rows.map(toDelivery);
}

export async function countDeliveries(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Delete delivery records received before `cutoff` (epoch ms); returns how many. Keep them well
 * beyond Box's retry window (Box retries a failed delivery for hours), since a pruned payload id
 * can no longer be recognised as a repeat — the job's own dedupe key still prevents a second job.
 */
export async function pruneDeliveries(db: Kysely<Database>, cutoff: number): Promise<number> {
  const result = await db.deleteFrom('webhook_deliveries').where('received_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
