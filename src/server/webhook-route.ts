import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { FolderDeliveryRecorder, recordWebhookDeleted } from '../db/box-folder-health.js';
import type { DeliveryOutcome } from '../db/schema.js';
import { insertDeliveryOnce } from '../db/webhook-deliveries.js';
import { verifyBoxWebhookSignature, type WebhookKeys } from '../box/webhook-signature.js';
import type { JobQueue } from '../jobs/queue.js';
import {
  MalformedEventError,
  boxWebhookEventSchema,
  deliveryIdSchema,
  fileUploadedEvent,
  webhookDeletedReason,
  type BoxWebhookEvent,
  type WebhookFileDecision,
  type WebhookFileMapper,
} from './box-event.js';
import type { ServerMetrics } from './metrics.js';
import { AiqcError } from '../qc/errors.js';

/** Box refuses to wait long; anything bigger than this is not a webhook event. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export type WebhookResponseOutcome = DeliveryOutcome | 'duplicate_delivery' | 'rejected_signature' | 'malformed' | 'too_large' | 'storage_unavailable' | 'error';

export interface WebhookRouteDeps {
  db: Db;
  queue: JobQueue;
  logger: Logger;
  webhookKeys: WebhookKeys;
  onWebhookFile: WebhookFileMapper;
  metrics: ServerMetrics;
  clock: () => number;
  bodyLimitBytes: number;
  maxAgeMs?: number;
  maxSkewAheadMs?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    webhookOutcome?: WebhookResponseOutcome;
  }
}

interface Handled {
  outcome: WebhookResponseOutcome;
  jobId?: number;
  decision?: WebhookFileDecision;
  /** The watched folder this delivery credits in webhook health. */
  creditFolderId?: string;
}

/**
 * POST /api/box/webhook (DESIGN §6): verify the raw bytes, parse and bound every field, record
 * the delivery once per payload id, and enqueue at most one job per file version — job and
 * delivery record in one transaction of two inserts. Folder health is written after the commit
 * (FolderDeliveryRecorder), so concurrent deliveries into one folder share no row lock. No Box
 * calls here: the response goes back as soon as the job is stored.
 */
export async function webhookRoute(app: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
  const health = new FolderDeliveryRecorder(deps.db.kysely, (error) =>
    deps.logger.warn({ err: { message: (error as Error).message } }, 'Box webhook: could not record folder health (deliveries are unaffected)'),
  );
  app.addHook('onClose', async () => health.flush());

  // Keep the body as bytes: the signature covers them exactly as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes }, (_request, body, done) => {
    done(null, body);
  });

  app.addHook('onResponse', async (request, reply) => {
    const outcome = request.webhookOutcome ?? (reply.statusCode === 413 ? 'too_large' : reply.statusCode >= 500 ? 'error' : 'malformed');
    deps.metrics.deliveries.inc({ outcome });
    deps.metrics.ackSeconds.observe({ status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.post('/api/box/webhook', { bodyLimit: deps.bodyLimitBytes }, async (request: FastifyRequest, reply: FastifyReply) => {
    const receivedAt = deps.clock();
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const deliveryId = headerValue(request.headers['box-delivery-id']);
    const log = deps.logger.child({ delivery_id: deliveryId ?? null });

    const check = verifyBoxWebhookSignature({
      headers: request.headers,
      body,
      keys: deps.webhookKeys,
      now: receivedAt,
      ...(deps.maxAgeMs !== undefined ? { maxAgeMs: deps.maxAgeMs } : {}),
      ...(deps.maxSkewAheadMs !== undefined ? { maxSkewAheadMs: deps.maxSkewAheadMs } : {}),
    });
    if (!check.ok) {
      request.webhookOutcome = 'rejected_signature';
      log.warn({ reason: check.reason }, `Box webhook: rejected delivery (${check.message})`);
      return reply.code(401).send({ error: 'invalid_signature', message: 'Box webhook signature check failed.' });
    }

    let event: BoxWebhookEvent;
    let decision: WebhookFileDecision | undefined;
    let fileFields: Record<string, string> = {};
    try {
      if (deliveryId !== undefined && !deliveryIdSchema.safeParse(deliveryId).success) {
        throw new MalformedEventError('BOX-DELIVERY-ID is not a plain id of at most 128 characters');
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw new MalformedEventError('body is not JSON');
      }
      const parsed = boxWebhookEventSchema.safeParse(json);
      if (!parsed.success) {
        throw new MalformedEventError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
      }
      event = parsed.data;
      if (event.trigger === 'FILE.UPLOADED' && event.source?.type === 'file') {
        const file = fileUploadedEvent(event);
        fileFields = { file_id: file.fileId, file_version_id: file.fileVersionId, folder_id: file.parentFolderId };
        // Decided before the transaction opens: the mapping may read the database, and on
        // SQLite the transaction holds the only connection.
        decision = await deps.onWebhookFile(file);
      }
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      request.webhookOutcome = 'malformed';
      log.warn(`Box webhook: signed but malformed body (${error.message})`);
      return reply.code(400).send({ error: 'malformed_event', message: error.message });
    }

    const folderId = fileFields.folder_id ?? (event.source?.type === 'folder' ? event.source.id : null);
    const delivery = {
      payloadId: event.id,
      deliveryId: deliveryId ?? null,
      webhookId: event.webhook?.id ?? null,
      trigger: event.trigger,
      folderId,
      fileId: fileFields.file_id ?? null,
      fileVersionId: fileFields.file_version_id ?? null,
      receivedAt,
    };
    // The event is valid and signed: a failure to store it is ours (database down, disk full).
    // 503 tells Box to retry later; nothing was stored because the transaction rolled back.
    const storageUnavailable = (error: unknown): FastifyReply => {
      request.webhookOutcome = 'storage_unavailable';
      log.error({ err: { message: (error as Error).message, code: (error as { code?: unknown }).code } }, 'Box webhook: could not store the delivery; answered 503 so Box retries');
      return reply.code(503).header('retry-after', '60').send({ error: 'storage_unavailable', message: 'Could not store the delivery; retry later.' });
    };
    let handled: Handled;
    try {
      handled = await deps.db.kysely.transaction().execute(async (trx): Promise<Handled> => {
        if (event.trigger === 'WEBHOOK.DELETED') {
          const inserted = await insertDeliveryOnce(trx, { ...delivery, outcome: 'webhook_deleted', detail: webhookDeletedReason(event) });
          if (inserted === undefined) return { outcome: 'duplicate_delivery' };
          if (folderId) await recordWebhookDeleted(trx, folderId, event.webhook?.id ?? null, receivedAt);
          return { outcome: 'webhook_deleted' };
        }
        if (!decision || decision.action === 'skip') {
          const outcome: DeliveryOutcome = decision?.action === 'skip' ? decision.outcome : 'ignored_trigger';
          const inserted = await insertDeliveryOnce(trx, { ...delivery, outcome, detail: decision?.action === 'skip' ? decision.message : null });
          if (inserted === undefined) return { outcome: 'duplicate_delivery' };
          return { outcome, ...(decision ? { decision } : {}), ...(decision?.folderId ? { creditFolderId: decision.folderId } : {}) };
        }
        // The job first: its dedupe key makes a repeat harmless, and the delivery row then goes
        // in once with its final outcome (no update). A repeated payload id conflicts here.
        const { job, created } = await deps.queue.enqueue(decision.kind, decision.payload, { dedupeKey: decision.dedupeKey, trx });
        const outcome: DeliveryOutcome = created ? 'enqueued' : 'duplicate_event';
        const inserted = await insertDeliveryOnce(trx, { ...delivery, outcome, jobId: job.id });
        // A repeated payload id: roll back, so a job this transaction created does not stay.
        if (inserted === undefined) throw new RepeatedDelivery();
        const creditFolderId = decision.folderId ?? fileFields.folder_id;
        return { outcome, jobId: job.id, decision, ...(creditFolderId ? { creditFolderId } : {}) };
      });
    } catch (error) {
      if (error instanceof RepeatedDelivery) handled = { outcome: 'duplicate_delivery' };
      else return storageUnavailable(error);
    }
    if (handled.creditFolderId) health.note(handled.creditFolderId, receivedAt);

    request.webhookOutcome = handled.outcome;
    const fields = { payload_id: event.id, trigger: event.trigger, ...fileFields };
    switch (handled.outcome) {
      case 'duplicate_delivery':
        log.info(fields, `Box webhook: repeated delivery of event ${event.id}; already handled`);
        break;
      case 'webhook_deleted':
        log.error(
          { ...fields, webhook_id: event.webhook?.id ?? null, folder_id: event.source?.id ?? null },
          `Box webhook: Box DELETED webhook ${event.webhook?.id ?? '?'} on ${event.source?.type ?? 'item'} ${event.source?.id ?? '?'}; ` +
            'uploads there no longer reach aiqc. Register it again: aiqc box register-all-clients URL',
        );
        break;
      case 'enqueued':
      case 'duplicate_event': {
        const enqueue = handled.decision?.action === 'enqueue' ? handled.decision : undefined;
        if (handled.outcome === 'enqueued') {
          log.info({ ...fields, ...enqueue?.logFields, job_id: handled.jobId }, enqueue?.message ?? `Box webhook: enqueued job ${handled.jobId}`);
        } else {
          log.info({ ...fields, job_id: handled.jobId }, `Box webhook: file version already has job ${handled.jobId}; nothing new enqueued`);
        }
        break;
      }
      case 'ignored_trigger':
        log.info(fields, `Box webhook: ignoring ${event.trigger} (only FILE.UPLOADED on a file starts QC)`);
        break;
      default:
        log.info(fields, handled.decision?.action === 'skip' ? handled.decision.message : `Box webhook: ${handled.outcome}`);
    }
    return reply.code(200).send({ status: handled.outcome, ...(handled.jobId !== undefined ? { job_id: handled.jobId } : {}) });
  });
}

/** Thrown inside the transaction to roll it back when the payload id was already recorded. */
class RepeatedDelivery extends AiqcError {
  constructor() {
    super('repeated_delivery', 'this webhook delivery was already recorded');
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
