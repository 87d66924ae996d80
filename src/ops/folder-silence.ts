import type { FolderHealth } from '../db/box-folder-health.js';

/**
 * A folder is silent when the sweeper found an upload that no webhook announced more recently
 * than the last delivery Box made for it: Box has stopped delivering (webhook gone, address
 * unreachable, keys rotated) while people are still uploading. One delivery afterwards clears
 * it, so an old miss that Box has since recovered from is history, not an alert.
 */
export function isSilent(health: Pick<FolderHealth, 'lastMissedAt' | 'lastDeliveryAt'>): boolean {
  if (health.lastMissedAt === null) return false;
  return health.lastDeliveryAt === null || health.lastMissedAt > health.lastDeliveryAt;
}

export type FolderAlertKind = 'silent' | 'webhook_deleted';

export interface FolderAlert {
  folderId: string;
  kind: FolderAlertKind;
  /** When the condition was last seen (epoch ms): the last miss, or Box's deletion. */
  since: number;
  message: string;
}

const iso = (ms: number | null): string => (ms === null ? 'never' : new Date(ms).toISOString());

/** The folders that need a person: silent ones and ones whose webhook Box deleted. */
export function folderAlerts(health: readonly FolderHealth[]): FolderAlert[] {
  const alerts: FolderAlert[] = [];
  for (const folder of health) {
    if (folder.webhookDeletedAt !== null) {
      alerts.push({
        folderId: folder.folderId,
        kind: 'webhook_deleted',
        since: folder.webhookDeletedAt,
        message:
          `Box deleted the webhook on folder ${folder.folderId}${folder.deletedWebhookId ? ` (id ${folder.deletedWebhookId})` : ''} at ${iso(folder.webhookDeletedAt)}. ` +
          'Make the webhook address reachable, then run `aiqc box register-all-clients URL`.',
      });
    }
    if (isSilent(folder)) {
      alerts.push({
        folderId: folder.folderId,
        kind: 'silent',
        since: folder.lastMissedAt!,
        message:
          `Box folder ${folder.folderId} is silent: the sweeper found uploads no webhook announced (last at ${iso(folder.lastMissedAt)}; ` +
          `last delivery ${iso(folder.lastDeliveryAt)}). Run \`aiqc box doctor URL\` and check the webhook is registered and its address reachable on HTTPS 443.`,
      });
    }
  }
  return alerts;
}
