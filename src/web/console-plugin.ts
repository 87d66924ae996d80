/**
 * The web console (DESIGN §9), mounted by the server on the webhook's port under the base path:
 * accounts and sessions, the JSON API `/api/v1` with its OpenAPI document, and the pages.
 *
 * Libraries, not hand-rolled: @fastify/cookie (signed-in sessions are server-side rows looked
 * up by a random cookie value), @fastify/rate-limit (sign-in), @fastify/multipart (streamed
 * uploads), fastify-type-provider-zod + @fastify/swagger (validation and OpenAPI 3.1 from one
 * set of zod schemas), @fastify/swagger-ui (the docs page, assets shipped in the package).
 */
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/queue.js';
import type { QcRuntime } from '../app/runtime.js';
import { TOOL_VERSION } from '../app/runtime.js';
import { checkSameOrigin, resolvePrincipal } from '../server/api/principal.js';
import { apiV1Routes } from '../server/api/routes.js';
import { boxConnectRoutes } from '../server/api/box-routes.js';
import { createBoxConnect } from '../boxconnect/service.js';
import { createConsoleService } from './console-service.js';
import { ConsoleError } from './errors.js';
import { consolePages } from './pages/routes.js';
import type { RunEvents } from './run-events.js';
import type { ConsoleSettings } from './settings.js';

export interface ConsoleDeps {
  db: Db;
  queue: JobQueue;
  runtime: QcRuntime;
  events: RunEvents;
  settings: ConsoleSettings;
  /** "" or e.g. "/ai_qc"; the console's routes are registered under it by the caller. */
  basePath: string;
  clock?: () => number;
}

export function apiErrorBody(error: FastifyError | ConsoleError | Error): { status: number; body: { error: { code: string; message: string } } } {
  if (error instanceof ConsoleError) return { status: error.statusCode, body: { error: { code: error.code, message: error.message } } };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => `${v.instancePath.replace(/^\//, '') || (error as FastifyError).validationContext || 'request'}: ${v.message}`).join('; ');
    return { status: 400, body: { error: { code: 'invalid_request', message: `Invalid ${(error as FastifyError).validationContext ?? 'request'}: ${issues}` } } };
  }
  const status = (error as FastifyError).statusCode;
  if (status === 413) return { status, body: { error: { code: 'payload_too_large', message: error.message } } };
  if (status === 429) return { status, body: { error: { code: 'rate_limited', message: error.message } } };
  if (status && status >= 400 && status < 500) return { status, body: { error: { code: (error as FastifyError).code?.toLowerCase() ?? 'bad_request', message: error.message } } };
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal error; see the server log.' } } };
}

export async function consolePlugin(scope: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const clock = deps.clock ?? Date.now;
  const service = createConsoleService({ db: deps.db, queue: deps.queue, runtime: deps.runtime, dataDir: deps.runtime.settings.dataDir, clock });
  await scope.register(fastifyCookie);
  await scope.register(fastifyRateLimit, { global: false });
  await scope.register(fastifyMultipart);
  // Per-user Box connect (DESIGN §10): only when configured (BOX_CONNECT_CLIENT_ID).
  const boxConnect = deps.settings.boxConnect ? createBoxConnect({ db: deps.db, config: deps.settings.boxConnect, clock }) : undefined;
  scope.decorateRequest('principal', null);
  scope.addHook('onRequest', async (request) => {
    // A bad bearer token throws (401): it is a script's mistake, not an anonymous visit.
    request.principal = await resolvePrincipal(request, deps.db, clock());
    checkSameOrigin(request);
  });

  // The API: zod validation and serialisation, OpenAPI from the same schemas.
  await scope.register(async (api) => {
    api.setValidatorCompiler(validatorCompiler);
    api.setSerializerCompiler(serializerCompiler);
    api.setErrorHandler((error: FastifyError, request, reply) => {
      const { status, body } = apiErrorBody(error);
      if (status >= 500) request.log.error({ err: { message: error.message, name: error.name, stack: error.stack } }, 'console API request failed');
      return reply.code(status).send(body);
    });
    await api.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'aiqc console API', version: TOOL_VERSION, description: 'Sign in with the console (session cookie) or send `Authorization: Bearer <token>` from `aiqc tokens create EMAIL`. Errors are `{error: {code, message}}`.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'aiqc_session' } } },
        security: [{ bearer: [] }, { session: [] }],
      },
      transform: jsonSchemaTransform,
    });
    await api.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
    api.get('/api/openapi.json', { schema: { hide: true } }, async () => api.swagger());
    await api.register(
      async (v1) =>
        apiV1Routes(v1, {
          db: deps.db,
          service,
          events: deps.events,
          dataDir: deps.runtime.settings.dataDir,
          maxUploadBytes: deps.settings.maxUploadBytes,
          basePath: deps.basePath,
          ...(deps.settings.ssePollMs ? { ssePollMs: deps.settings.ssePollMs } : {}),
        }),
      { prefix: '/api/v1' },
    );
  });

  if (boxConnect) {
    const connect = boxConnect;
    await scope.register(async (box) => boxConnectRoutes(box, { connect, service, basePath: deps.basePath, dataDir: deps.runtime.settings.dataDir }));
  }

  await scope.register(async (pages) =>
    consolePages(pages, {
      ...(boxConnect ? { boxConnect } : {}),
      db: deps.db,
      service,
      basePath: deps.basePath,
      dataDir: deps.runtime.settings.dataDir,
      maxUploadBytes: deps.settings.maxUploadBytes,
      loginRateLimit: deps.settings.loginAttemptsPerMinute ?? 10,
      clock,
    }),
  );
}
