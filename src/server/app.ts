import { normaliseBasePath } from '../config/environment.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Db } from '../db/database.js';
import type { WebhookKeys } from '../box/webhook-signature.js';
import type { JobQueue } from '../jobs/queue.js';
import type { WebhookFileMapper } from './box-event.js';
import { createServerMetrics } from './metrics.js';
import { WEBHOOK_BODY_LIMIT_BYTES, webhookRoute } from './webhook-route.js';
import { consolePlugin, type ConsoleDeps } from '../web/console-plugin.js';

export interface ServerDeps {
  db: Db;
  queue: JobQueue;
  /** Structured logger (pino); the server never logs signatures, keys or bodies. */
  logger?: Logger;
  /** BOX_WEBHOOK_PRIMARY_KEY / BOX_WEBHOOK_SECONDARY_KEY; with neither, every delivery gets 401. */
  webhookKeys: WebhookKeys;
  /** Turns a verified FILE.UPLOADED event into a job or a skip reason (folder → client → profile). */
  onWebhookFile: WebhookFileMapper;
  /** Mount everything under this path, e.g. "/ai_qc" behind a path-routing proxy. */
  basePath?: string;
  clock?: () => number;
  bodyLimitBytes?: number;
  /** Oldest acceptable BOX-DELIVERY-TIMESTAMP (default 10 minutes). */
  signatureMaxAgeMs?: number;
  /** How far ahead of our clock a timestamp may be (default 2 minutes). */
  clockSkewAheadMs?: number;
  metricsRegistry?: Registry;
  /** The web console and its API (DESIGN §9), on the same port under the same base path. */
  console?: Omit<ConsoleDeps, 'db' | 'queue' | 'basePath'>;
}

/**
 * The HTTP app: Box webhook, liveness, readiness and Prometheus metrics. Built, not started:
 * call `listen` (aiqc serve) or `inject` (tests).
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const logger = deps.logger ?? pino({ level: 'silent' });
  const basePath = normaliseBasePath(deps.basePath);
  const bodyLimitBytes = deps.bodyLimitBytes ?? WEBHOOK_BODY_LIMIT_BYTES;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Request lines would repeat what the webhook handler logs with more context.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: bodyLimitBytes,
    // Box retries on timeouts; a request that has not arrived in full within this is broken.
    requestTimeout: 30_000,
  });
  const metrics = createServerMetrics({ db: deps.db, queue: deps.queue, logger, ...(deps.metricsRegistry ? { registry: deps.metricsRegistry } : {}) });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: { message: error.message, code: error.code, name: error.name } }, 'request failed');
      return reply.code(500).send({ error: 'internal_error', message: 'Internal error; see the server log.' });
    }
    const code = status === 413 ? 'payload_too_large' : (error.code ?? 'bad_request');
    return reply.code(status).send({ error: code, message: error.message });
  });

  await app.register(
    async (scope) => {
      scope.get('/healthz', async () => ({ status: 'ok' }));
      scope.get('/readyz', async (_request, reply) => {
        try {
          await deps.db.ping();
          return { status: 'ready' };
        } catch (error) {
          logger.warn({ err: (error as Error).message }, 'readiness: database unreachable');
          return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
        }
      });
      scope.get('/metrics', async (_request, reply) => {
        const body = await metrics.registry.metrics();
        return reply.type(metrics.registry.contentType).send(body);
      });
      await scope.register(async (webhookScope) =>
        webhookRoute(webhookScope, {
          db: deps.db,
          queue: deps.queue,
          logger,
          webhookKeys: deps.webhookKeys,
          onWebhookFile: deps.onWebhookFile,
          metrics,
          clock: deps.clock ?? Date.now,
          bodyLimitBytes,
          ...(deps.signatureMaxAgeMs !== undefined ? { maxAgeMs: deps.signatureMaxAgeMs } : {}),
          ...(deps.clockSkewAheadMs !== undefined ? { maxSkewAheadMs: deps.clockSkewAheadMs } : {}),
        }),
      );
      const consoleDeps = deps.console;
      if (consoleDeps) await scope.register(async (consoleScope) => consolePlugin(consoleScope, { ...consoleDeps, db: deps.db, queue: deps.queue, basePath }));
    },
    { prefix: basePath },
  );
  return app;
}
