import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { recordFolderDelivery, recordWebhookDeleted } from '../db/box-folder-health.js';
import type { DeliveryOutcome } from '../db/schema.js';
import { insertDeliveryOnce, setDeliveryOutcome } from '../db/webhook-deliveries.js';
import { verifyBoxWebhookSignature, type WebhookKeys } from '../box/webhook-signature.js';
import type { JobQueue } from '../jobs/queue.js';
import {
  MalformedEventError,
  boxWebhookEventSchema,
  fileUploadedEvent,
  type BoxWebhookEvent,
  type WebhookFileDecision,
  type WebhookFileMapper,
} from './box-event.js';
import type { ServerMetrics } from './metrics.js';

/** Box refuses to wait long; anything bigger than this is not a webhook event. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export type WebhookResponseOutcome = DeliveryOutcome | 'duplicate_delivery' | 'rejected_signature' | 'malformed' | 'too_large' | 'error';

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
}

/**
 * POST /api/box/webhook (DESIGN §6): verify the raw bytes, parse, record the delivery once per
 * payload id, and enqueue at most one job per file version — delivery record and job in one
 * transaction. No Box calls here: the response goes back as soon as the job is stored.
 */
export async function webhookRoute(app: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
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

    const handled = await deps.db.kysely.transaction().execute(async (trx): Promise<Handled> => {
      const folderId = fileFields.folder_id ?? (event.source?.type === 'folder' ? event.source.id : null);
      const deliveryRowId = await insertDeliveryOnce(trx, {
        payloadId: event.id,
        deliveryId: deliveryId ?? null,
        webhookId: event.webhook?.id ?? null,
        trigger: event.trigger,
        folderId,
        fileId: fileFields.file_id ?? null,
        fileVersionId: fileFields.file_version_id ?? null,
        receivedAt,
        outcome: 'ignored_trigger',
      });
      if (deliveryRowId === undefined) return { outcome: 'duplicate_delivery' };

      if (event.trigger === 'WEBHOOK.DELETED') {
        const reason = (event.additional_info as { reason?: unknown } | undefined)?.reason;
        const detail = typeof reason === 'string' ? reason : null;
        if (folderId) await recordWebhookDeleted(trx, folderId, event.webhook?.id ?? null, receivedAt);
        await setDeliveryOutcome(trx, deliveryRowId, { outcome: 'webhook_deleted', detail });
        return { outcome: 'webhook_deleted' };
      }
      if (!decision) return { outcome: 'ignored_trigger' };

      if (decision.action === 'skip') {
        if (decision.folderId) await recordFolderDelivery(trx, decision.folderId, receivedAt);
        await setDeliveryOutcome(trx, deliveryRowId, { outcome: decision.outcome, detail: decision.message });
        return { outcome: decision.outcome, decision };
      }
      const { job, created } = await deps.queue.enqueue(decision.kind, decision.payload, { dedupeKey: decision.dedupeKey, trx });
      const outcome: DeliveryOutcome = created ? 'enqueued' : 'duplicate_event';
      await recordFolderDelivery(trx, decision.folderId ?? fileFields.folder_id ?? '', receivedAt);
      await setDeliveryOutcome(trx, deliveryRowId, { outcome, jobId: job.id });
      return { outcome, jobId: job.id, decision };
    });

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

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
