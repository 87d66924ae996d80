/** What the `aiqc box` commands are given (dependencies passed in), shared by box.ts and box-doctor.ts. */
import type { BoxClient } from '../box/index.js';
import type { ClientsConfig } from '../config/clients.js';

/** `box doctor --exit-code`: a folder went silent or lost its webhook (cron/alerting tells it from other failures). */
export const EXIT_WEBHOOK_ALERT = 3;

/** Health of one INCOMING folder's webhook as the job store sees it (optional; from the pipeline). */
export interface WebhookHealth {
  folderId: string;
  lastDeliveryAt?: string;
  missedCount: number;
  lastMissedAt?: string;
  /** Box deleted this folder's webhook (WEBHOOK.DELETED, after 30 days without a 2xx). */
  webhookDeletedAt?: string;
  /**
   * The sweeper found an upload no webhook announced after the last delivery (src/ops/folder-silence.ts).
   * When given, it (not a historic missed count) decides whether the line fails.
   */
  silent?: boolean;
}

export interface BoxCommandDeps {
  /** The process's Box client; called lazily so a missing configuration is reported, not thrown at start. */
  box: () => BoxClient;
  /** clients.yaml, loaded and validated (src/config/clients.ts). */
  loadClients: () => Promise<ClientsConfig>;
  /** Environment, for the signing keys and credentials `doctor` checks. */
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  setExitCode: (code: number) => void;
  /** ffmpeg binary `doctor` checks (default `ffmpeg`). */
  ffmpegPath?: string;
  webhookHealth?: () => Promise<WebhookHealth[]>;
}
