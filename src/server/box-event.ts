import { extname } from 'node:path';
import { z } from 'zod';
import { AiqcError } from '../qc/errors.js';
import { BOX_WEBHOOK_TRIGGERS } from '../box/webhook-triggers.js';

/**
 * The Box webhook event (V2 payload) as far as the server needs it, with every field that can
 * reach storage bounded: a signed body is still only as trustworthy as whoever holds the key,
 * and a NUL or a 100 kB id must be a 400, not a PostgreSQL error (`invalid byte sequence`,
 * `index row size exceeds btree`) that becomes a 500 Box retries for hours. Unknown fields pass
 * through so the caller's mapping function sees everything Box sent.
 */
const hasNoNul = (text: string): boolean => !text.includes('\u0000');
/** Box item ids (files, folders, versions, webhooks, users) are short digit strings. */
const boxId = z
  .union([z.string().regex(/^\d{1,20}$/, 'a Box id is 1–20 digits'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform(String);
/** The event id: a UUID on Box; bounded and plain so it can be a unique key. */
const payloadId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an event id is 1–128 letters, digits, ".", "_", ":" or "-"');
/** Box item names: at most 255 characters, never a NUL. */
const itemName = z.string().max(255).refine(hasNoNul, 'a name cannot contain NUL');
const itemType = z.string().max(32).regex(/^[a-z_]+$/);
const boxRef = z.looseObject({ id: boxId, type: itemType, name: itemName.nullish() });

export const boxWebhookEventSchema = z.looseObject({
  type: z.string().max(64).optional(),
  id: payloadId,
  created_at: z.string().max(64).optional(),
  trigger: z.enum(BOX_WEBHOOK_TRIGGERS),
  webhook: z.looseObject({ id: boxId }).nullish(),
  created_by: z.unknown().optional(),
  source: z
    .looseObject({
      id: boxId,
      type: itemType,
      name: itemName.optional(),
      file_version: z.looseObject({ id: boxId }).nullish(),
      parent: boxRef.nullish(),
      path_collection: z.looseObject({ entries: z.array(boxRef).max(1000) }).nullish(),
    })
    .nullish(),
  additional_info: z.unknown().optional(),
});

/** BOX-DELIVERY-ID is a UUID on Box; anything else is not stored. */
export const deliveryIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,128}$/);

/** WEBHOOK.DELETED's `additional_info.reason` (e.g. auto_cleanup), when it is a short plain string. */
export function webhookDeletedReason(event: { additional_info?: unknown }): string | null {
  const reason = (event.additional_info as { reason?: unknown } | null | undefined)?.reason;
  return typeof reason === 'string' && reason.length <= 255 && hasNoNul(reason) ? reason : null;
}

export type BoxWebhookEvent = z.output<typeof boxWebhookEventSchema>;

/** A verified FILE.UPLOADED event on a file, with the fields every mapping needs pulled out. */
export interface BoxFileUploadedEvent {
  /** Payload id: stable across Box's retries of one delivery. */
  eventId: string;
  webhookId: string | null;
  fileId: string;
  fileVersionId: string;
  fileName: string;
  /** Lower-case extension with the dot (".mp4"), or "" when the name has none. */
  extension: string;
  parentFolderId: string;
  parentFolderName: string | null;
  /** Folders from the root down to the parent, when Box included them. */
  pathCollection: ReadonlyArray<{ id: string; name: string | null }>;
  raw: BoxWebhookEvent;
}

/** What the caller's mapping decided for a file upload. */
export type WebhookFileDecision =
  | {
      action: 'enqueue';
      kind: string;
      payload: unknown;
      /** One job per key, ever: the job's own key (src/pipeline/box-qc-file.ts `boxQcFileDedupeKey`). */
      dedupeKey: string;
      /** The watched INCOMING folder to credit in webhook health (default: the file's parent). */
      folderId?: string;
      /** Logged with the job id once the job is stored (e.g. the runbook's dispatch line). */
      message?: string;
      logFields?: Record<string, unknown>;
    }
  | {
      action: 'skip';
      outcome: 'unknown_folder' | 'non_qc_extension' | 'ignored';
      /** Logged as is; the runbook quotes these words. */
      message: string;
      /** The watched folder to credit in webhook health, when the folder is a known one. */
      folderId?: string;
    };

export type WebhookFileMapper = (event: BoxFileUploadedEvent) => WebhookFileDecision | Promise<WebhookFileDecision>;

export function skipUnknownFolder(folderId: string): WebhookFileDecision {
  return { action: 'skip', outcome: 'unknown_folder', message: `no client configured for Box folder ${folderId}` };
}

export function skipNonQcExtension(extension: string, folderId?: string): WebhookFileDecision {
  return {
    action: 'skip',
    outcome: 'non_qc_extension',
    message: `skipping non-QC extension ${extension || '(none)'}`,
    ...(folderId ? { folderId } : {}),
  };
}

/** An event aiqc caused itself (a report upload, the move into _PROCESSED) or otherwise ignores. */
export function skipIgnored(message: string, folderId?: string): WebhookFileDecision {
  return { action: 'skip', outcome: 'ignored', message, ...(folderId ? { folderId } : {}) };
}

export class MalformedEventError extends AiqcError {
  constructor(message: string) {
    super('webhook_malformed_event', message);
  }
}

/** For FILE.UPLOADED on a file: the normalised event; throws MalformedEventError when incomplete. */
export function fileUploadedEvent(event: BoxWebhookEvent): BoxFileUploadedEvent {
  const source = event.source;
  if (!source || source.type !== 'file') throw new MalformedEventError('FILE.UPLOADED event without a file source');
  if (!source.file_version?.id) throw new MalformedEventError('FILE.UPLOADED event without source.file_version.id');
  if (!source.parent?.id) throw new MalformedEventError('FILE.UPLOADED event without source.parent.id');
  const fileName = source.name ?? '';
  return {
    eventId: event.id,
    webhookId: event.webhook?.id ?? null,
    fileId: source.id,
    fileVersionId: source.file_version.id,
    fileName,
    extension: extname(fileName).toLowerCase(),
    parentFolderId: source.parent.id,
    parentFolderName: source.parent.name ?? null,
    pathCollection: (source.path_collection?.entries ?? []).map((entry) => ({ id: entry.id, name: entry.name ?? null })),
    raw: event,
  };
}
