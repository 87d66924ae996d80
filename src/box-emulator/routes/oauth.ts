// Box's OAuth host: the token endpoint (JWT bearer, client credentials, authorization code,
// refresh with rotation), revoke, and the authorize page a person grants access on — here a
// form to pick one of the emulator's users. No bearer token needed on any of them.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { query, readForm, sendEmpty, sendJson } from '../http.js';
import { OAuthError, createAuthCode, handleTokenRequest } from '../oauth.js';
import { escapeHtml } from '../../report/escape.js';

const PUBLIC = { config: { public: true } };

export default async function oauthRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { core, state } = ctx;
  const html = (status: number, body: string, type = 'text/html'): { status: number; body: string; type: string } => ({ status, body, type });

  app.post('/oauth2/token', PUBLIC, async (request, reply) => {
    const form = await readForm(request);
    return sendJson(reply, 200, handleTokenRequest(state, core.tokens, form, core.now()));
  });

  app.post('/oauth2/revoke', PUBLIC, async (request, reply) => {
    const form = await readForm(request);
    const client = state.apps.get(form.get('client_id') ?? '');
    if (!client || client.clientSecret !== form.get('client_secret')) throw new OAuthError('invalid_client', 'The client credentials are invalid');
    core.tokens.revoke(form.get('token') ?? '');
    return sendEmpty(reply, 200);
  });

  app.get('/api/oauth2/authorize', PUBLIC, async (request, reply) => {
    const params = query(request);
    const answer = state.apps.has(params.get('client_id') ?? '')
      ? html(200, authorizePage(params, state.users.values()), 'text/html; charset=utf-8')
      : html(400, '<h1>Invalid client_id</h1>');
    return reply.code(answer.status).header('content-type', answer.type).send(answer.body);
  });

  app.post('/api/oauth2/authorize', PUBLIC, async (request, reply) => {
    const form = await readForm(request);
    const clientId = form.get('client_id') ?? '';
    const redirectUri = form.get('redirect_uri') ?? '';
    const userId = form.get('user_id') ?? '';
    if (!state.apps.has(clientId) || !state.users.has(userId) || !/^https?:\/\//.test(redirectUri)) {
      return reply.code(400).header('content-type', 'text/html').send('<h1>Invalid authorization request</h1>');
    }
    const target = new URL(redirectUri);
    target.searchParams.set('code', createAuthCode(core.tokens, clientId, userId, redirectUri, core.now()));
    const stateParam = form.get('state');
    if (stateParam) target.searchParams.set('state', stateParam);
    return sendEmpty(reply, 302, { location: target.toString() });
  });
}

/** Box's consent screen, reduced to "sign in as" one of the emulator's users and "Grant access". */
function authorizePage(params: URLSearchParams, users: Iterable<{ id: string; name: string; login: string }>): string {
  const hidden = ['client_id', 'redirect_uri', 'state', 'response_type']
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params.get(k) ?? '')}">`)
    .join('');
  const options = [...users]
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} &lt;${escapeHtml(u.login)}&gt;</option>`)
    .join('');
  return `<!doctype html><title>Box emulator — grant access</title><form method="post">${hidden}<label>Sign in as <select name="user_id">${options}</select></label><button>Grant access to Box</button></form>`;
}
