import type { Kysely } from 'kysely';
import { listFolderHealth } from '../db/box-folder-health.js';
import type { Database } from '../db/schema.js';
import { isSilent } from './folder-silence.js';

/** Per watched folder, what `aiqc box doctor` prints (the shape of its WebhookHealth): times as ISO text. */
export interface WebhookHealthLine {
  folderId: string;
  missedCount: number;
  silent: boolean;
  lastDeliveryAt?: string;
  lastMissedAt?: string;
  webhookDeletedAt?: string;
}

const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());

export async function webhookHealthLines(db: Kysely<Database>): Promise<WebhookHealthLine[]> {
  return (await listFolderHealth(db)).map((h) => {
    const line: WebhookHealthLine = { folderId: h.folderId, missedCount: h.missedCount, silent: isSilent(h) };
    const lastDeliveryAt = iso(h.lastDeliveryAt);
    const lastMissedAt = iso(h.lastMissedAt);
    const webhookDeletedAt = iso(h.webhookDeletedAt);
    if (lastDeliveryAt) line.lastDeliveryAt = lastDeliveryAt;
    if (lastMissedAt) line.lastMissedAt = lastMissedAt;
    if (webhookDeletedAt) line.webhookDeletedAt = webhookDeletedAt;
    return line;
  });
}
