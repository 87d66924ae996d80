// The console API (DESIGN §9) on both engines, through app.inject with real uploads, the real
// worker and QC engine: upload → SSE progress → verdict, the report's headers, errors, CSRF,
// sessions, and the authorization table (each route × admin / member of the client / member of
// another client / anonymous).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { removeUser } from '../../../src/auth/accounts.js';
import { ENGINES } from '../../db/test-databases.js';
import { ACCOUNTS, PASSWORD, multipartBody, startConsoleWorld, type AccountName, type ConsoleWorld } from './console-world.js';

type Caller = AccountName | 'anonymous';
const CALLERS: Caller[] = ['anonymous', 'globex', 'acme', 'admin'];

describe.each(ENGINES)('console API on %s', (engine) => {
  let w: ConsoleWorld;
  const inject = (caller: Caller, options: { method?: string; url: string; payload?: unknown; headers?: Record<string, string> }) =>
    w.pipeline.app!.inject({
      method: (options.method ?? 'GET') as 'GET',
      url: options.url,
      headers: { ...(caller === 'anonymous' ? {} : { authorization: `Bearer ${w.tokens[caller]}` }), ...options.headers },
      ...(options.payload !== undefined ? { payload: options.payload as string } : {}),
    });
  const upload = (caller: Caller, fields: Record<string, string>, file: { name: string; content: Buffer } = { name: 'Summer_Banner_1080.png', content: w.imageBytes }) => {
    const { body, contentType } = multipartBody([...Object.entries(fields).map(([name, value]) => ({ name, value })), { name: 'file', filename: file.name, content: file.content, type: 'image/png' }]);
    return inject(caller, { method: 'POST', url: '/api/v1/checks', payload: body, headers: { 'content-type': contentType } });
  };

  beforeAll(async () => {
    w = await startConsoleWorld({ engine, maxUploadBytes: 2 * 1024 * 1024, loginRateLimit: 5 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('accepts an upload, streams progress i/N over SSE, then the verdict; the run, its report JSON and HTML follow', async () => {
    const accepted = await upload('acme', { client: 'acme' });
    expect(accepted.statusCode).toBe(202);
    const { run_id: runId, profile_id } = accepted.json() as { run_id: string; profile_id: string };
    expect(profile_id).toBe('static_general');

    const events = await inject('acme', { url: `/api/v1/runs/${runId}/events` });
    expect(events.statusCode).toBe(200);
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    const parsed = [...events.body.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]!) as Record<string, unknown> }));
    const done = parsed.at(-1)!;
    expect(done.event).toBe('done');
    expect(['pass', 'warn']).toContain(done.data.verdict);
    expect(typeof done.data.score).toBe('number');
    // A stream opened while the run was queued or running saw progress; one opened after it finished goes straight to done.
    for (const p of parsed.filter((e) => e.event === 'progress')) expect(p.data).toEqual({ i: expect.any(Number), n: expect.any(Number), check_id: expect.any(String) });

    const run = await inject('acme', { url: `/api/v1/runs/${runId}` });
    expect(run.statusCode).toBe(200);
    const body = run.json() as Record<string, unknown> & { report: { session_id: string; verdict: string; checks: unknown[] } };
    expect(body).toMatchObject({ run_id: runId, source: 'upload', status: 'done', client_id: 'acme', verdict: done.data.verdict, score: done.data.score, asset_name: 'Summer_Banner_1080.png' });
    expect(body.report.session_id).toBe(runId);
    expect(body.report.verdict).toBe(done.data.verdict);
    expect(body.report.checks.length).toBeGreaterThan(1);

    const html = await inject('acme', { url: `/api/v1/runs/${runId}/report.html` });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.headers['content-security-policy']).not.toMatch(/script-src(?![^;]*'none')/);
    expect(html.headers['x-content-type-options']).toBe('nosniff');
    expect(html.body).toContain('Summer_Banner_1080.png');

    const list = await inject('acme', { url: `/api/v1/runs?client=acme&verdict=${String(done.data.verdict)}` });
    expect((list.json() as { runs: Array<{ run_id: string }> }).runs.map((r) => r.run_id)).toContain(runId);
  });

  it('answers each route for admin / member of the client / member of another client / anonymous as the table says', async () => {
    const deadJob = await w.deadJob();
    // Its own finished acme run, so this test stands alone.
    const acmeRun = ((await upload('admin', { client: 'acme' })).json() as { run_id: string }).run_id;
    await w.waitForRun(acmeRun);
    const routes: Array<{ route: string; request: () => { method?: string; url: string; payload?: unknown; headers?: Record<string, string> } | 'upload'; expected: Record<Caller, number> }> = [
      { route: 'POST /checks (client acme)', request: () => 'upload', expected: { anonymous: 401, globex: 403, acme: 202, admin: 202 } },
      { route: 'GET /runs', request: () => ({ url: '/api/v1/runs' }), expected: { anonymous: 401, globex: 200, acme: 200, admin: 200 } },
      { route: 'GET /runs?client=acme', request: () => ({ url: '/api/v1/runs?client=acme' }), expected: { anonymous: 401, globex: 403, acme: 200, admin: 200 } },
      { route: 'GET /runs/:id', request: () => ({ url: `/api/v1/runs/${acmeRun}` }), expected: { anonymous: 401, globex: 403, acme: 200, admin: 200 } },
      { route: 'GET /runs/:id/events', request: () => ({ url: `/api/v1/runs/${acmeRun}/events` }), expected: { anonymous: 401, globex: 403, acme: 200, admin: 200 } },
      { route: 'GET /runs/:id/report.html', request: () => ({ url: `/api/v1/runs/${acmeRun}/report.html` }), expected: { anonymous: 401, globex: 403, acme: 200, admin: 200 } },
      { route: 'GET /clients', request: () => ({ url: '/api/v1/clients' }), expected: { anonymous: 401, globex: 200, acme: 200, admin: 200 } },
      { route: 'GET /clients/acme', request: () => ({ url: '/api/v1/clients/acme' }), expected: { anonymous: 401, globex: 403, acme: 200, admin: 200 } },
      {
        route: 'PUT /clients/acme/default-profile',
        request: () => ({ method: 'PUT', url: '/api/v1/clients/acme/default-profile', payload: JSON.stringify({ profile: 'meta_feed_image' }), headers: { 'content-type': 'application/json' } }),
        expected: { anonymous: 401, globex: 403, acme: 403, admin: 200 },
      },
      { route: 'DELETE /clients/acme/default-profile', request: () => ({ method: 'DELETE', url: '/api/v1/clients/acme/default-profile' }), expected: { anonymous: 401, globex: 403, acme: 403, admin: 200 } },
      { route: 'GET /jobs', request: () => ({ url: '/api/v1/jobs' }), expected: { anonymous: 401, globex: 403, acme: 403, admin: 200 } },
      { route: 'POST /jobs/:id/retry (dead job)', request: () => ({ method: 'POST', url: `/api/v1/jobs/${deadJob}/retry` }), expected: { anonymous: 401, globex: 403, acme: 403, admin: 200 } },
      { route: 'GET /profiles', request: () => ({ url: '/api/v1/profiles' }), expected: { anonymous: 401, globex: 200, acme: 200, admin: 200 } },
    ];
    const actual: Record<string, Record<Caller, number>> = {};
    for (const route of routes) {
      actual[route.route] = {} as Record<Caller, number>;
      for (const caller of CALLERS) {
        const request = route.request();
        const response = request === 'upload' ? await upload(caller, { client: 'acme' }) : await inject(caller, request);
        actual[route.route]![caller] = response.statusCode;
        if (response.statusCode >= 400) expect(response.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    }
    if (process.env.AIQC_PRINT_AUTH_TABLE) {
      const lines = [`| route (${engine}) | admin | member of acme | member of globex | anonymous |`, '|---|---|---|---|---|'];
      for (const [route, s] of Object.entries(actual)) lines.push(`| ${route} | ${s.admin} | ${s.acme} | ${s.globex} | ${s.anonymous} |`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    expect(actual).toEqual(Object.fromEntries(routes.map((r) => [r.route, r.expected])));

    // A member of another client sees none of acme's runs in the list either.
    const globexList = (await inject('globex', { url: '/api/v1/runs' })).json() as { runs: Array<{ client_id: string }> };
    expect(globexList.runs.every((r) => r.client_id === 'globex')).toBe(true);
  });

  it('records who overrode and reverted the default profile, and refuses a profile the client does not have', async () => {
    const put = await inject('admin', { method: 'PUT', url: '/api/v1/clients/acme/default-profile', payload: JSON.stringify({ profile: 'meta_feed_image' }), headers: { 'content-type': 'application/json' } });
    expect(put.json()).toMatchObject({ default_profile: 'meta_feed_image', override: 'meta_feed_image', configured_default_profile: 'static_general' });
    const reverted = (await inject('admin', { method: 'DELETE', url: '/api/v1/clients/acme/default-profile' })).json() as { default_profile: string; history: Array<Record<string, unknown>> };
    expect(reverted.default_profile).toBe('static_general');
    expect(reverted.history.at(-1)).toMatchObject({ profile: 'meta_feed_image', set_by: ACCOUNTS.admin.email, reverted_by: ACCOUNTS.admin.email });
    const nothing = await inject('admin', { method: 'DELETE', url: '/api/v1/clients/acme/default-profile' });
    expect(nothing.statusCode).toBe(409);
    const wrong = await inject('admin', { method: 'PUT', url: '/api/v1/clients/globex/default-profile', payload: JSON.stringify({ profile: 'meta_feed_image' }), headers: { 'content-type': 'application/json' } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.message).toContain('not one of globex');
  });

  it('gives 400, 404, 413 and 422 with {error: {code, message}}', async () => {
    const badQuery = await inject('admin', { url: '/api/v1/runs?limit=0' });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().error.code).toBe('invalid_request');
    expect((await inject('admin', { url: '/api/v1/runs/20260101T000000Z-dead' })).statusCode).toBe(404);
    expect((await inject('admin', { url: '/api/v1/clients/nobody' })).statusCode).toBe(404);

    const tooBig = await upload('admin', {}, { name: 'huge.png', content: randomBytes(3 * 1024 * 1024) });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.message).toMatch(/larger than the upload limit of 2 MB \(AIQC_MAX_UPLOAD_MB\)/);

    const text = await upload('admin', {}, { name: 'notes.png', content: Buffer.from('just some text, not artwork\n'.repeat(20)) });
    expect(text.statusCode).toBe(422);
    expect(text.json().error).toMatchObject({ code: 'unsupported_file' });
    expect(text.json().error.message).toContain('notes.png');

    const wrongProfile = await upload('admin', { client: 'globex', profile: 'meta_feed_image' });
    expect(wrongProfile.statusCode).toBe(422);
    // Nothing of the refused uploads is left behind.
    const leftovers = await w.t.db.kysely.selectFrom('qc_runs').select('asset_name').where('asset_name', 'in', ['huge.png', 'notes.png']).execute();
    expect(leftovers).toEqual([]);
  });

  it('signs in with a form, refuses a cross-site change with the session cookie, signs out for good, and limits sign-in attempts', async () => {
    const app = w.pipeline.app!;
    const login = await app.inject({ method: 'POST', url: '/login', payload: `email=${encodeURIComponent(ACCOUNTS.admin.email)}&password=${encodeURIComponent(PASSWORD)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(login.statusCode).toBe(303);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    expect((await app.inject({ url: '/api/v1/jobs', headers: { cookie } })).statusCode).toBe(200);
    const crossSite = await app.inject({ method: 'DELETE', url: '/api/v1/clients/acme/default-profile', headers: { cookie, origin: 'https://evil.example' } });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().error.code).toBe('cross_origin');

    await app.inject({ method: 'POST', url: '/logout', headers: { cookie, origin: `http://${new URL(w.url).host}`, host: new URL(w.url).host } });
    expect((await app.inject({ url: '/api/v1/jobs', headers: { cookie } })).statusCode).toBe(401);

    const attempts: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await app.inject({ method: 'POST', url: '/login', payload: `email=${encodeURIComponent(ACCOUNTS.acme.email)}&password=wrong`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      attempts.push(r.statusCode);
    }
    expect(attempts.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(attempts.at(-1)).toBe(429);
  });

  it('stops a removed user\'s token at once', async () => {
    expect((await inject('globex', { url: '/api/v1/profiles' })).statusCode).toBe(200);
    await removeUser(w.t.db.kysely, ACCOUNTS.globex.email);
    const after = await inject('globex', { url: '/api/v1/profiles' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_token');
  });

  it('serves the OpenAPI 3.1 document generated from the route schemas, and the docs page', async () => {
    const doc = (await w.pipeline.app!.inject({ url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/checks', '/api/v1/runs', '/api/v1/runs/{id}', '/api/v1/runs/{id}/events', '/api/v1/runs/{id}/report.html', '/api/v1/clients', '/api/v1/clients/{id}', '/api/v1/clients/{id}/default-profile', '/api/v1/jobs', '/api/v1/jobs/{id}/retry', '/api/v1/profiles']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(JSON.stringify(doc.paths['/api/v1/runs']!.get)).toContain('verdict');
    const docs = await w.pipeline.app!.inject({ url: '/api/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });
});
