/**
 * The console's pages, rendered on the server (DESIGN §9). Forms post to page routes that call
 * the same ConsoleService as the API, so everything works without script; console.js adds live
 * progress on /check and the run page, and refreshes the runs table.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { createSession, findUserForLogin, revokeSession, SESSION_TTL_MS } from '../../auth/accounts.js';
import { dummyPasswordHash, verifyPassword } from '../../auth/passwords.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../../server/api/principal.js';
import { ConsoleError } from '../errors.js';
import { html } from '../html.js';
import { receiveUpload } from '../upload-receive.js';
import { adminPages } from './admin-pages.js';
import { boxPages } from './box-pages.js';
import { pageHelpers, type PagesDeps } from './page-helpers.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import { layout } from './layout.js';
import { checkPage, runPage, runsPage, runsTableBody } from './run-pages.js';

/** A path inside the console to return to after signing in (never another site). */
function safeNext(next: unknown, basePath: string): string {
  if (typeof next !== 'string' || !next.startsWith(`${basePath}/`) || next.startsWith('//') || next.includes('\\')) return `${basePath}/`;
  return next;
}

export type { PageHelpers, PagesDeps } from './page-helpers.js';

export async function consolePages(scope: FastifyInstance, deps: PagesDeps): Promise<void> {
  const b = deps.basePath;
  const h = pageHelpers(deps);
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  scope.setErrorHandler((error: FastifyError | ConsoleError, request, reply) => {
    const status = error instanceof ConsoleError ? error.statusCode : (error.statusCode ?? 500);
    if (status === 401) {
      return reply.code(303).header('location', `${b}/login?next=${encodeURIComponent(request.url)}`).send();
    }
    if (status >= 500) request.log.error({ err: { message: error.message, stack: error.stack } }, 'console page failed');
    const message = status >= 500 ? 'Something went wrong; the server log has the details.' : error.message;
    const title = status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 429 ? 'Too many attempts' : 'Could not do that';
    return h.send(reply, layout(h.ctx(request), title, html`<h1>${title}</h1><p class="alert" role="alert">${message}</p><p><a href="${b}/">Back to runs</a></p>`), status);
  });

  scope.get('/assets/console.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(CONSOLE_CSS));
  scope.get('/assets/console.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(CONSOLE_JS));

  const loginPage = (request: FastifyRequest, error?: string, email = '', next = `${b}/`) =>
    layout(
      h.ctx(request),
      'Sign in',
      html`<div class="narrow"><h1>Sign in</h1>
${error ? html`<p class="alert" role="alert" id="login-error">${error}</p>` : ''}
<form method="post" action="${b}/login" class="card">
  <input type="hidden" name="next" value="${next}">
  <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${email}"${error ? html` aria-describedby="login-error"` : ''}></div>
  <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
  <button type="submit">Sign in</button>
</form>
${deps.boxConnect ? html`<p class="or">or</p><p><a class="button secondary" href="${b}/auth/box/login?mode=signin">Sign in with Box</a></p>` : ''}
<p class="muted">No account? An admin adds one with <code>aiqc users add EMAIL --role member --client ID</code>.</p></div>`,
    );

  scope.get('/login', async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next, b);
    if (request.principal) return reply.code(303).header('location', next).send();
    return h.send(reply, loginPage(request, undefined, '', next));
  });

  scope.post(
    '/login',
    { config: { rateLimit: { max: deps.loginRateLimit, timeWindow: 60_000 } } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      const email = (body.email ?? '').trim();
      const next = safeNext(body.next, b);
      const user = email ? await findUserForLogin(deps.db.kysely, email) : undefined;
      // Compare against a dummy hash when the user is unknown, so timing does not tell who has an account.
      const ok = await verifyPassword(body.password ?? '', user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !user.passwordHash || !ok) {
        request.log.info({ event: 'login_failed' }, 'console sign-in refused');
        return h.send(reply, loginPage(request, 'Wrong email or password.', email, next), 401);
      }
      const secret = await createSession(deps.db.kysely, user.id, deps.clock());
      setSessionCookie(request, reply, secret, b || '/', Math.floor(SESSION_TTL_MS / 1000));
      return reply.code(303).header('location', next).send();
    },
  );

  scope.post('/logout', async (request, reply) => {
    const secret = request.cookies[SESSION_COOKIE];
    if (secret) await revokeSession(deps.db.kysely, secret);
    clearSessionCookie(reply, b || '/');
    return reply.code(303).header('location', `${b}/login`).send();
  });

  scope.get('/', async (request, reply) => {
    const p = h.principal(request);
    const q = request.query as Record<string, string | undefined>;
    const verdict = ['pass', 'warn', 'fail', 'error'].includes(q.verdict ?? '') ? q.verdict : undefined;
    const client = q.client || undefined;
    const cursor = q.cursor && /^\d+$/.test(q.cursor) ? Number(q.cursor) : undefined;
    const page = await deps.service.listRuns(p, { limit: 50, ...(client ? { client } : {}), ...(verdict ? { verdict } : {}), ...(cursor ? { cursor } : {}) });
    if (request.headers['x-fragment'] === 'runs-body') return h.send(reply, runsTableBody(b, page.runs).text);
    return h.send(reply, runsPage(h.ctx(request, 'runs'), deps.service.visibleClients(p), page, { client, verdict }));
  });

  scope.get('/check', async (request, reply) => {
    const p = h.principal(request);
    return h.send(reply, checkPage(h.ctx(request, 'check'), deps.service.visibleClients(p), deps.service.listProfiles(), deps.maxUploadBytes));
  });

  // Without script the form posts here; with script console.js posts to the API instead.
  scope.post('/check', async (request, reply) => {
    const p = h.principal(request);
    const upload = await receiveUpload(request, { dataDir: deps.dataDir, maxBytes: deps.maxUploadBytes });
    const accepted = await deps.service.submitCheck(p, {
      tempPath: upload.tempPath,
      fileName: upload.fileName,
      ...(upload.fields.client ? { client: upload.fields.client } : {}),
      ...(upload.fields.profile ? { profile: upload.fields.profile } : {}),
    });
    return h.redirect(reply, `/runs/${encodeURIComponent(accepted.runId)}`);
  });

  scope.get('/runs/:id', async (request, reply) => {
    const run = await deps.service.runFor(h.principal(request), (request.params as { id: string }).id);
    return h.send(reply, runPage(h.ctx(request, 'runs'), run));
  });

  await adminPages(scope, deps, h);
  if (deps.boxConnect) await boxPages(scope, { ...deps, boxConnect: deps.boxConnect }, h);
}
