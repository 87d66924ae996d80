import type { Kysely } from 'kysely';
import type { BoxFolderHealthRow, Database } from './schema.js';

/** What `aiqc box doctor` and /metrics show per watched Box folder. */
export interface FolderHealth {
  folderId: string;
  lastDeliveryAt: number | null;
  /** Uploads the sweeper found with no delivery after the grace period. */
  missedCount: number;
  lastMissedAt: number | null;
  /** Set when Box told us it deleted the folder's webhook (WEBHOOK.DELETED). */
  webhookDeletedAt: number | null;
  deletedWebhookId: string | null;
}

function toHealth(row: BoxFolderHealthRow): FolderHealth {
  return {
    folderId: row.folder_id,
    lastDeliveryAt: row.last_delivery_at,
    missedCount: row.missed_count,
    lastMissedAt: row.last_missed_at,
    webhookDeletedAt: row.webhook_deleted_at,
    deletedWebhookId: row.deleted_webhook_id,
  };
}

/** A verified delivery concerning this folder arrived. */
export async function recordFolderDelivery(db: Kysely<Database>, folderId: string, at: number): Promise<void> {
  await db
    .insertInto('box_folder_health')
    .values({ folder_id: folderId, last_delivery_at: at, missed_count: 0, updated_at: at })
    .onConflict((oc) =>
      oc.column('folder_id').doUpdateSet((eb) => ({
        // Deliveries can be handled out of order; keep the latest time.
        last_delivery_at: eb
          .case()
          .when('box_folder_health.last_delivery_at', 'is', null)
          .then(at)
          .when('box_folder_health.last_delivery_at', '<', at)
          .then(at)
          .else(eb.ref('box_folder_health.last_delivery_at'))
          .end(),
        updated_at: at,
      })),
    )
    .execute();
}

/** The sweeper enqueued `count` uploads that no webhook announced. */
export async function recordMissedWebhooks(db: Kysely<Database>, folderId: string, at: number, count = 1): Promise<void> {
  await db
    .insertInto('box_folder_health')
    .values({ folder_id: folderId, missed_count: count, last_missed_at: at, updated_at: at })
    .onConflict((oc) =>
      oc.column('folder_id').doUpdateSet((eb) => ({
        missed_count: eb('box_folder_health.missed_count', '+', count),
        last_missed_at: at,
        updated_at: at,
      })),
    )
    .execute();
}

/** Box deleted the webhook watching this folder; shown until `clearWebhookDeleted` (re-registration). */
export async function recordWebhookDeleted(
  db: Kysely<Database>,
  folderId: string,
  webhookId: string | null,
  at: number,
): Promise<void> {
  await db
    .insertInto('box_folder_health')
    .values({ folder_id: folderId, missed_count: 0, webhook_deleted_at: at, deleted_webhook_id: webhookId, updated_at: at })
    .onConflict((oc) =>
      oc.column('folder_id').doUpdateSet({ webhook_deleted_at: at, deleted_webhook_id: webhookId, updated_at: at }),
    )
    .execute();
}

/** A new webhook was registered for the folder (e.g. by `register-all-clients`). */
export async function clearWebhookDeleted(db: Kysely<Database>, folderId: string, at = Date.now()): Promise<void> {
  await db
    .updateTable('box_folder_health')
    .set({ webhook_deleted_at: null, deleted_webhook_id: null, updated_at: at })
    .where('folder_id', '=', folderId)
    .execute();
}

export async function listFolderHealth(db: Kysely<Database>): Promise<FolderHealth[]> {
  const rows = await db.selectFrom('box_folder_health').selectAll().orderBy('folder_id').execute();
  return rows.map(toHealth);
}

export async function getFolderHealth(db: Kysely<Database>, folderId: string): Promise<FolderHealth | undefined> {
  const row = await db.selectFrom('box_folder_health').selectAll().where('folder_id', '=', folderId).executeTakeFirst();
  return row ? toHealth(row) : undefined;
}
