/**
 * Per-user Box connect routes (DESIGN §10), at the paths the earlier deployment used, under the
 * base path: `GET /auth/box/login`, `GET /auth/box/callback`, `GET /api/box/status`,
 * `POST /api/box/disconnect`, `GET /api/box/test_folder?folder_id=`; plus what the console uses
 * to QC a file from the user's Box (`POST /api/box/check`, `POST /api/box/runs/:id/report`).
 * A refusal is a page (browser routes) or `{error: {code, message, fix}}` — never a 500.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_TTL_MS, type Principal } from '../../auth/accounts.js';
import { checkBoxFile, uploadReportNextToFile } from '../../boxconnect/check.js';
import { BoxConnectError } from '../../boxconnect/errors.js';
import type { BoxConnect } from '../../boxconnect/service.js';
import { BINDING_COOKIE, newBinding, STATE_TTL_MS } from '../../boxconnect/state.js';
import type { ConsoleService } from '../../web/console-service.js';
import { ConsoleError, notSignedIn } from '../../web/errors.js';
import { html } from '../../web/html.js';
import { layout, PAGE_CSP } from '../../web/pages/layout.js';
import { SESSION_COOKIE, setSessionCookie } from './principal.js';

export interface BoxRoutesDeps {
  connect: BoxConnect;
  service: ConsoleService;
  basePath: string;
  dataDir: string;
}

const page = (reply: FastifyReply, body: string, status = 200) =>
  reply.code(status).header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8').send(body);

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw notSignedIn();
  return request.principal;
}

/** A console path to return to (never another site). */
function safeReturn(value: unknown, basePath: string): string {
  if (typeof value !== 'string' || !value.startsWith(`${basePath}/`) || value.startsWith('//') || value.includes('\\')) return `${basePath}/box`;
  return value;
}

export async function boxConnectRoutes(scope: FastifyInstance, deps: BoxRoutesDeps): Promise<void> {
  const b = deps.basePath;
  const ctx = (request: FastifyRequest) => ({ basePath: b, principal: request.principal, boxConnect: true });

  const problemPage = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (error instanceof BoxConnectError) {
      request.log.info({ code: error.code }, 'Box connect refused');
      return page(
        reply,
        layout(ctx(request), 'Box connection refused', html`<div class="narrow"><h1>Box connection refused</h1>
<p class="alert" role="alert">${error.message}</p><p>${error.fix ?? ''}</p>
<p><a class="button" href="${b}/box">Back to My Box</a> <a href="${b}/">Runs</a></p></div>`),
        error.status >= 500 ? 502 : error.status,
      );
    }
    request.log.error({ err: { message: (error as Error).message, name: (error as Error).name } }, 'Box connect callback failed');
    return page(reply, layout(ctx(request), 'Box could not be reached', html`<div class="narrow"><h1>Box could not be reached</h1>
<p class="alert" role="alert">Connecting to Box failed; nothing was stored.</p><p><a class="button" href="${b}/box">Try again</a></p></div>`), 502);
  };

  // ── the browser round trip ────────────────────────────────────────────────────────────
  scope.get('/auth/box/login', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const mode = q.mode === 'signin' ? 'signin' : 'connect';
    const p = request.principal;
    if (mode === 'connect' && (!p || p.via !== 'session')) {
      return reply.code(303).header('location', `${b}/login?next=${encodeURIComponent(`${b}/auth/box/login`)}`).send();
    }
    const binding = newBinding();
    // Lax, not Strict: it must come back on Box's redirect to the callback (a cross-site navigation).
    reply.setCookie(BINDING_COOKIE, binding, { httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: `${b}/auth/box`, maxAge: STATE_TTL_MS / 1000 });
    const url = deps.connect.authorizeUrl({
      mode,
      userId: mode === 'connect' ? p!.userId : null,
      sessionSecret: mode === 'connect' ? (request.cookies[SESSION_COOKIE] ?? null) : null,
      binding,
      returnTo: safeReturn(q.next, b),
      redirectUri: `${request.protocol}://${request.host}${b}/auth/box/callback`,
    });
    return reply.code(302).header('location', url).header('cache-control', 'no-store').send();
  });

  scope.get('/auth/box/callback', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    try {
      const outcome = await deps.connect.completeCallback({
        ...(q.code ? { code: q.code } : {}),
        ...(q.error ? { error: q.error } : {}),
        ...(q.error_description ? { errorDescription: q.error_description } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(request.cookies[BINDING_COOKIE] ? { binding: request.cookies[BINDING_COOKIE] } : {}),
      });
      reply.clearCookie(BINDING_COOKIE, { path: `${b}/auth/box` });
      if (outcome.sessionSecret) setSessionCookie(request, reply, outcome.sessionSecret, b || '/', Math.floor(SESSION_TTL_MS / 1000));
      request.log.info({ user_id: outcome.userId, box_user_id: outcome.box.id, mode: outcome.mode }, 'Box connected');
      const next = outcome.mode === 'signin' ? `${b}/` : outcome.returnTo;
      // A page, not a redirect: the session cookie is SameSite=Strict and is only sent again on
      // a navigation that starts on our own site, which this page's refresh is.
      return page(
        reply,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="0;url=${html`${next}`.text}"><title>Connected to Box · aiqc</title><link rel="stylesheet" href="${b}/assets/console.css"></head><body><main id="main"><div class="narrow"><h1>Connected to Box</h1><p role="status">${html`${outcome.mode === 'signin' ? 'Signed in' : 'Connected'} as ${outcome.box.name} (${outcome.box.login}).`.text}</p><p><a class="button" href="${html`${next}`.text}">Continue</a></p></div></main></body></html>`,
      );
    } catch (error) {
      return problemPage(request, reply, error);
    }
  });

  // ── JSON ──────────────────────────────────────────────────────────────────────────────
  await scope.register(async (api) => {
    api.setErrorHandler((error, request, reply) => {
      if (error instanceof BoxConnectError) {
        const status = error.status >= 500 ? 502 : error.status;
        return reply.code(error.status === 503 ? 503 : status).send({ error: { code: error.code, message: error.message, fix: error.fix ?? null } });
      }
      if (error instanceof ConsoleError) return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
      request.log.error({ err: { message: (error as Error).message, name: (error as Error).name } }, 'Box API route failed');
      return reply.code(502).send({ error: { code: 'box_unavailable', message: 'Box could not be reached; try again.' } });
    });

    api.get('/api/box/status', async (request) => {
      const s = await deps.connect.status(principalOf(request).userId);
      return { connected: s.connected, box_user: s.box_user, connected_at: s.connected_at, ...(s.broken ? { broken: s.broken, reconnect: `${b}/auth/box/login` } : {}) };
    });

    api.post('/api/box/disconnect', async (request) => {
      const outcome = await deps.connect.disconnect(principalOf(request).userId);
      return { connected: false, revoked_at_box: outcome.revoked, deleted: outcome.deleted };
    });

    api.get('/api/box/test_folder', async (request) => {
      const folderId = String((request.query as Record<string, unknown>).folder_id ?? '0');
      if (!/^\d+$/.test(folderId)) throw new ConsoleError(400, 'invalid_request', 'folder_id must be a Box folder id (digits; 0 is All files).');
      return deps.connect.listFolder(principalOf(request).userId, folderId);
    });

    api.post('/api/box/check', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const fileId = typeof body.file_id === 'string' ? body.file_id : '';
      if (!/^\d+$/.test(fileId)) throw new ConsoleError(400, 'invalid_request', 'file_id must be a Box file id (digits).');
      const accepted = await checkBoxFile({ ...deps }, principalOf(request), {
        fileId,
        ...(typeof body.client === 'string' && body.client ? { client: body.client } : {}),
        ...(typeof body.profile === 'string' && body.profile ? { profile: body.profile } : {}),
      });
      return reply.code(202).send({ run_id: accepted.runId, profile: accepted.profileId, name: accepted.name });
    });

    api.post('/api/box/runs/:id/report', async (request) => {
      const uploaded = await uploadReportNextToFile({ ...deps }, principalOf(request), (request.params as { id: string }).id);
      return { file_id: uploaded.id, name: uploaded.name, folder_id: uploaded.folderId };
    });
  });
}
