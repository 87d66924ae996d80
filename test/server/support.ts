import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { signBoxWebhookDelivery, type WebhookKeys } from '../../src/box/webhook-signature.js';
import { defineJob } from '../../src/jobs/definition.js';
import { boxQcFileDedupeKey } from '../../src/pipeline/box-qc-file.js';
import {
  skipIgnored,
  skipNonQcExtension,
  skipUnknownFolder,
  type WebhookFileMapper,
} from '../../src/server/box-event.js';

export const KEYS: WebhookKeys = { primary: 'test-primary-key', secondary: 'test-secondary-key' };
export const INCOMING = '1234';
export const REPORTS = '5678';
export const PROCESSED = '9012';

export const boxFileJob = defineJob('test.box_file', {
  payload: z.object({ fileId: z.string(), fileVersionId: z.string(), clientId: z.string(), name: z.string() }),
});

/**
 * A mapping like the pipeline's: one watched INCOMING folder with a REPORTS folder and a
 * _PROCESSED folder beneath it (Box webhooks cascade to sub-folders, so aiqc's own report
 * uploads and moves come back as FILE.UPLOADED events and must be ignored).
 */
export const testMapper: WebhookFileMapper = (event) => {
  if (event.parentFolderId === REPORTS) return skipIgnored(`ignoring aiqc's own report upload ${event.fileName}`, INCOMING);
  if (event.parentFolderId === PROCESSED || event.parentFolderName === '_PROCESSED') {
    return skipIgnored(`ignoring source moved to _PROCESSED: ${event.fileName}`, INCOMING);
  }
  if (event.parentFolderId !== INCOMING) return skipUnknownFolder(event.parentFolderId);
  if (!['.png', '.jpg', '.mp4', '.pdf', '.wav'].includes(event.extension)) return skipNonQcExtension(event.extension, INCOMING);
  return {
    action: 'enqueue',
    kind: boxFileJob.kind,
    payload: { fileId: event.fileId, fileVersionId: event.fileVersionId, clientId: 'diageo', name: event.fileName },
    dedupeKey: boxQcFileDedupeKey({ file_id: event.fileId, file_version_id: event.fileVersionId }),
    folderId: INCOMING,
    message: `Box webhook: dispatching client=diageo file_id=${event.fileId}`,
  };
};

export interface EventOptions {
  id?: string;
  trigger?: string;
  fileId?: string;
  fileVersionId?: string;
  name?: string;
  parentId?: string;
  parentName?: string;
  webhookId?: string;
  source?: unknown;
  additionalInfo?: unknown;
}

/** A Box V2 webhook body, serialised the way Box does it ("/" escaped as "\/"). */
export function boxEventBody(options: EventOptions = {}): string {
  const event = {
    type: 'webhook_event',
    id: options.id ?? `evt-${Math.random().toString(36).slice(2)}`,
    created_at: '2026-11-22T22:27:53-08:00',
    trigger: options.trigger ?? 'FILE.UPLOADED',
    webhook: { id: options.webhookId ?? '7001', type: 'webhook' },
    created_by: { type: 'user', id: '33', name: 'Client Uploader', login: 'uploader@example.com' },
    source:
      options.source ?? {
        id: options.fileId ?? '100100',
        type: 'file',
        name: options.name ?? 'spring/summer key visual.png',
        file_version: { type: 'file_version', id: options.fileVersionId ?? '1', sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
        parent: { type: 'folder', id: options.parentId ?? INCOMING, name: options.parentName ?? 'INCOMING' },
        path_collection: { total_count: 2, entries: [{ type: 'folder', id: '0', name: 'All Files' }, { type: 'folder', id: INCOMING, name: 'INCOMING' }] },
      },
    additional_info: options.additionalInfo ?? [],
  };
  return JSON.stringify(event).replaceAll('/', '\\/');
}

let deliveryCounter = 0;
export function signedHeaders(body: string, options: { at?: number; keys?: WebhookKeys; deliveryId?: string } = {}): Record<string, string> {
  deliveryCounter += 1;
  return {
    'content-type': 'application/json; charset=utf-8',
    ...signBoxWebhookDelivery({
      body,
      keys: options.keys ?? KEYS,
      deliveryId: options.deliveryId ?? `delivery-${process.pid}-${deliveryCounter}`,
      ...(options.at !== undefined ? { at: options.at } : {}),
    }),
  };
}

export interface CapturedLog {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export function captureLogger(): { logger: Logger; lines: CapturedLog[]; text: () => string } {
  const lines: CapturedLog[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as CapturedLog);
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}
