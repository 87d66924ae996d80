// The emulator's HTTP face as a Fastify app: one port serving Box's three hosts by path — API
// `/2.0/…`, uploads `/api/2.0/…`, OAuth `/oauth2/…` and `/api/oauth2/authorize` — plus
// `/_admin/…` for tests and demos (loopback only). One plugin per Box resource under routes/;
// this file holds what applies to every request: request listeners, injected faults, bearer
// authentication, and Box's answers for errors, unknown paths (404) and wrong methods (405).
import multipart from '@fastify/multipart';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import type { EmulatorContext } from './context.js';
import { EmuApiError, notFound } from './errors.js';
import { faultAnswer } from './faults.js';
import { MAX_UPLOAD_BYTES, drain, errorAnswer, isLoopback, sendEmpty, sendJson } from './http.js';
import adminRoutes from './routes/admin.js';
import filesRoutes from './routes/files.js';
import foldersRoutes from './routes/folders.js';
import oauthRoutes from './routes/oauth.js';
import uploadSessionsRoutes from './routes/upload-sessions.js';
import uploadsRoutes from './routes/uploads.js';
import usersRoutes from './routes/users.js';
import webhooksRoutes from './routes/webhooks.js';

const pathOf = (request: FastifyRequest): string => {
  const at = request.url.indexOf('?');
  return at < 0 ? request.url : request.url.slice(0, at);
};

/** Box's 401: no body, the reason in WWW-Authenticate. */
const UNAUTHORIZED = { 'www-authenticate': 'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."' };

async function sendBoxError(request: FastifyRequest, reply: FastifyReply, err: unknown): Promise<FastifyReply> {
  const answer = errorAnswer(err, request.id);
  answer.headers['box-request-id'] = request.id;
  if (answer.status === 413) {
    // Not read past the limit: say so and close, rather than take the rest of a huge body.
    request.raw.resume();
    answer.headers['connection'] = 'close';
  }
  return sendJson(reply, answer.status, answer.json, answer.headers);
}

/** Half the body with the full Content-Length, then a dropped connection (the `resetMidBody` fault). */
function halfThenReset(request: FastifyRequest, payload: unknown, length: number): Readable {
  const half = Math.floor(length / 2);
  const source: AsyncIterable<Buffer> | Buffer[] = payload instanceof Readable ? payload : [Buffer.from(typeof payload === 'string' ? payload : '')];
  async function* cut(): AsyncGenerator<Buffer> {
    let sent = 0;
    for await (const chunk of source) {
      const take = Math.min(chunk.length, half - sent);
      if (take > 0) yield chunk.subarray(0, take);
      sent += take;
      if (sent >= half) break;
    }
    const socket = request.raw.socket;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    setTimeout(() => socket.destroy(), 20);
    await closed;
  }
  return Readable.from(cut());
}

export async function buildEmulatorApp(ctx: EmulatorContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    genReqId: () => randomBytes(8).toString('hex'),
    // Box's ids and download names can be long; the router's 100-character default would 404 them.
    routerOptions: { maxParamLength: 5000 },
    exposeHeadRoutes: false,
    frameworkErrors: (err, request, reply) => void sendBoxError(request, reply, err.code === 'FST_ERR_BAD_URL' ? new URIError(err.message) : err),
  });
  app.decorateRequest('boxUserId', '');
  app.decorateRequest('boxClientId', '');
  app.decorateRequest('boxFault', null);

  // Bodies are read by the routes from the raw stream (JSON with a limit, uploads streamed to
  // disk), whatever content type the client claims — as Box reads `text/plain` JSON too.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, fieldSize: 1024 * 1024 } });

  // Path patterns of every route, to tell Box's 405 (known path, other method) from 404.
  const known: RegExp[] = [];
  app.addHook('onRoute', (route) => {
    known.push(new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`));
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('box-request-id', request.id);
    const path = pathOf(request);
    const method = request.method.toUpperCase();
    for (const listener of ctx.listeners) listener({ method, path, receivedAt: Date.now(), requestId: request.id });
    if (path.startsWith('/_admin/')) {
      // The admin API hands out app secrets and private keys: only for callers on this machine,
      // whatever interface the emulator listens on (--host 0.0.0.0 exposes Box's API, not this).
      if (!isLoopback(request.socket.remoteAddress)) {
        await drain(request.raw);
        return sendBoxError(request, reply, new EmuApiError(403, 'forbidden', 'The emulator admin API answers only loopback clients (127.0.0.1, ::1)'));
      }
      return undefined;
    }
    const fault = ctx.faults.take(method, path);
    if (!fault) return undefined;
    request.boxFault = fault;
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.reset) {
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if (fault.status) {
      await drain(request.raw);
      const answer = faultAnswer(fault, request.id);
      return answer.json === undefined ? sendEmpty(reply, answer.status, answer.headers) : sendJson(reply, answer.status, answer.json, answer.headers);
    }
    return undefined;
  });

  // Box's API wants a bearer token: 401 (no body) before anything is read or done.
  app.addHook('onRequest', async (request, reply) => {
    if (reply.sent || request.is404 || pathOf(request).startsWith('/_admin/') || request.routeOptions.config.public) return undefined;
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const grant = token ? ctx.core.tokens.authenticate(token) : undefined;
    if (!grant) {
      await drain(request.raw);
      return sendEmpty(reply, 401, UNAUTHORIZED);
    }
    request.boxUserId = grant.userId;
    request.boxClientId = grant.clientId;
    return undefined;
  });

  // The fault kinds that act on the answer: drop it (the request was carried out), or cut it halfway.
  app.addHook('onSend', async (request, reply, payload) => {
    const fault = request.boxFault;
    if (!fault || reply.statusCode >= 400) return payload;
    if (fault.resetAfterHandling) {
      await drain(request.raw);
      request.raw.socket.destroy();
      return payload;
    }
    if (fault.resetMidBody) {
      const declared = Number(reply.getHeader('content-length') ?? NaN);
      const length = Number.isFinite(declared) ? declared : Buffer.byteLength(typeof payload === 'string' ? payload : '');
      reply.header('content-length', String(length));
      return halfThenReset(request, payload, length);
    }
    return payload;
  });

  app.setErrorHandler((err, request, reply) => sendBoxError(request, reply, err));
  app.setNotFoundHandler(async (request, reply) => {
    await drain(request.raw);
    const path = pathOf(request);
    if (known.some((pattern) => pattern.test(path))) {
      return sendBoxError(request, reply, new EmuApiError(405, 'method_not_allowed', 'Method Not Allowed'));
    }
    return sendBoxError(request, reply, notFound());
  });

  await app.register(oauthRoutes, ctx);
  await app.register(usersRoutes, ctx);
  await app.register(foldersRoutes, ctx);
  await app.register(filesRoutes, ctx);
  await app.register(uploadsRoutes, ctx);
  await app.register(uploadSessionsRoutes, ctx);
  await app.register(webhooksRoutes, ctx);
  await app.register(adminRoutes, ctx);
  return app;
}
