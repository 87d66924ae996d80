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

/**
 * Credits folders with deliveries OUTSIDE the delivery's transaction. Every delivery into one
 * folder used to upsert the same health row inside its transaction, so on PostgreSQL they
 * queued on that row's lock (`Lock:transactionid`) and acks took seconds under load. Here
 * notes are coalesced per folder — the latest time wins — and written by one writer at a
 * time, so a burst of 200 deliveries costs a handful of upserts and no request waits for one.
 * Health is advisory (doctor, /metrics): a note lost in a crash only ages "last delivery".
 */
export class FolderDeliveryRecorder {
  private readonly pending = new Map<string, number>();
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
  ) {}

  note(folderId: string, at: number): void {
    this.pending.set(folderId, Math.max(at, this.pending.get(folderId) ?? 0));
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
  }

  /** Resolves once every note so far is written (or failed and was reported). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending];
      this.pending.clear();
      for (const [folderId, at] of batch) {
        try {
          await recordFolderDelivery(this.db, folderId, at);
        } catch (error) {
          this.onError(error);
        }
      }
    }
  }
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
