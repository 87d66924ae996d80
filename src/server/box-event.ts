import { extname } from 'node:path';
import { z } from 'zod';
import { AiqcError } from '../qc/errors.js';

/**
 * The Box webhook event (V2 payload) as far as the server needs it. Unknown fields pass through
 * so the caller's mapping function sees everything Box sent.
 */
const boxId = z.union([z.string().min(1), z.number()]).transform(String);
const boxRef = z.looseObject({ id: boxId, type: z.string(), name: z.string().optional() });

export const boxWebhookEventSchema = z.looseObject({
  type: z.string().optional(),
  id: boxId,
  created_at: z.string().optional(),
  trigger: z.string().min(1),
  webhook: z.looseObject({ id: boxId }).nullish(),
  created_by: z.unknown().optional(),
  source: z
    .looseObject({
      id: boxId,
      type: z.string(),
      name: z.string().optional(),
      file_version: z.looseObject({ id: boxId }).nullish(),
      parent: boxRef.nullish(),
      path_collection: z.looseObject({ entries: z.array(boxRef) }).nullish(),
    })
    .nullish(),
  additional_info: z.unknown().optional(),
});

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
