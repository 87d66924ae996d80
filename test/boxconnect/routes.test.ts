// The Box connect routes over real HTTP: console ↔ emulator's authorize page ↔ callback, and
// every refusal (tampered, replayed, foreign, expired state; revoked grant; reused refresh
// token) answered with a clear message, never a 500. The stored row is ciphertext and the log
// holds no token.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signState } from '../../src/boxconnect/state.js';
import { findConnection, openTokens } from '../../src/boxconnect/store.js';
import { ENGINES } from '../db/test-databases.js';
import { authorizeAt, Jar, startServedWorld, type ServedWorld } from './served-world.js';

describe.each(ENGINES)('Box connect routes (%s)', (engine) => {
  let w: ServedWorld;
  const seenTokens = new Set<string>();
  const base = () => `${w.url}${w.basePath}`;
  const remember = async (userId: number) => {
    const row = await findConnection(w.t.db.kysely, userId);
    if (!row) return undefined;
    const pair = openTokens(w.keys, row);
    seenTokens.add(pair.accessToken);
    seenTokens.add(pair.refreshToken);
    return { row, pair };
  };
  const connectMember = async (boxLogin = 'ann.box@example.com') => {
    const jar = new Jar(await w.signIn(w.users.member.email));
    const box = w.emulator.admin.createUser({ name: 'Ann Box', login: boxLogin });
    const callback = await authorizeAt(w, jar, box.id);
    const done = await jar.fetch(callback);
    return { jar, box, callback, done };
  };

  beforeAll(async () => {
    w = await startServedWorld({ engine });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('connects through the authorize page and reports the connection (no token in the answer)', async () => {
    const { jar, box, done } = await connectMember();
    const page = await done.text();
    expect(done.status, page).toBe(200);
    expect(page).toContain('Connected as Ann Box (ann.box@example.com)');
    const status = await jar.fetch(`${base()}/api/box/status`);
    const json = (await status.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ connected: true, box_user: { id: box.id, name: 'Ann Box', login: 'ann.box@example.com' } });
    expect(typeof json.connected_at).toBe('string');
    const { pair, row } = (await remember(w.users.member.id))!;
    expect(JSON.stringify(json)).not.toContain(pair.accessToken);
    // At rest: ciphertext under key k1, no token substring in the row or the database files.
    expect(row.key_id).toBe('k1');
    expect(row.tokens).toMatch(/^v1\.k1\./);
    for (const token of [pair.accessToken, pair.refreshToken]) {
      expect(JSON.stringify(row)).not.toContain(token);
      expect(JSON.stringify(row)).not.toContain(token.slice(0, 16));
    }
    console.log(`[${engine}] stored row: ${JSON.stringify(row)}`);
    // The folder listing proves the grant.
    const folder = await jar.fetch(`${base()}/api/box/test_folder?folder_id=0`);
    expect(folder.status).toBe(200);
    expect(((await folder.json()) as { folder: { id: string } }).folder.id).toBe('0');
  });

  it('refuses a replayed state (the same callback twice)', async () => {
    const { jar, callback, done } = await connectMember('replay@example.com');
    expect(done.status).toBe(200);
    const again = await jar.fetch(callback);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used once');
  });

  it('refuses a tampered state', async () => {
    const jar = new Jar(await w.signIn(w.users.member.email));
    const box = w.emulator.admin.createUser({ name: 'Tamper', login: 'tamper@example.com' });
    const callback = new URL(await authorizeAt(w, jar, box.id));
    const state = callback.searchParams.get('state')!;
    const [body, mac] = state.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    payload.u = w.users.admin.id; // try to attach the Box account to someone else
    callback.searchParams.set('state', `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`);
    const answer = await jar.fetch(callback.toString());
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('altered or is not one aiqc issued');
    expect(await findConnection(w.t.db.kysely, w.users.admin.id)).toBeUndefined();
  });

  it('refuses a state from another browser (foreign) and an expired one', async () => {
    const jar = new Jar(await w.signIn(w.users.member.email));
    const box = w.emulator.admin.createUser({ name: 'Foreign', login: 'foreign@example.com' });
    const callback = await authorizeAt(w, jar, box.id);
    const otherBrowser = new Jar(await w.signIn(w.users.admin.email));
    const foreign = await otherBrowser.fetch(callback);
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain('started in another browser');

    const expired = signState(w.keys, { mode: 'connect', userId: w.users.member.id, sessionSecret: null, binding: 'b', returnTo: `${w.basePath}/box`, now: Date.now() - 11 * 60_000 });
    const late = await fetch(`${base()}/auth/box/callback?code=x&state=${encodeURIComponent(expired)}`, { headers: { cookie: 'aiqc_box_oauth=b' } });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('expired');
    const garbage = await fetch(`${base()}/auth/box/callback?code=x&state=%00%01`);
    expect(garbage.status).toBe(400);
    const none = await fetch(`${base()}/auth/box/callback`);
    expect(none.status).toBe(400);
  });

  it('a revoked grant marks the connection broken and says how to reconnect (no 500)', async () => {
    const { jar } = await connectMember('revoked@example.com');
    const { pair } = (await remember(w.users.member.id))!;
    w.emulator.core.tokens.revoke(pair.refreshToken);
    const answer = await jar.fetch(`${base()}/api/box/test_folder?folder_id=0`);
    const json = (await answer.json()) as { error: { code: string; message: string; fix: string } };
    expect(answer.status).toBe(409);
    expect(json.error.code).toBe('box_connection_broken');
    expect(json.error.fix).toContain('Connect Box');
    const status = (await (await jar.fetch(`${base()}/api/box/status`)).json()) as { connected: boolean; broken?: { reason: string }; reconnect?: string };
    expect(status.connected).toBe(false);
    expect(status.broken?.reason).toContain('invalid_grant');
    expect(status.reconnect).toBe(`${w.basePath}/auth/box/login`);
    const myBox = await jar.fetch(`${base()}/box`);
    expect(await myBox.text()).toContain('Reconnect Box');
  });

  it('a refresh token reused elsewhere is refused by Box: broken with a clear message, no 500', async () => {
    const { jar } = await connectMember('reused@example.com');
    const { pair } = (await remember(w.users.member.id))!;
    // Someone else spends our refresh token at Box first (rotation makes ours worthless).
    const spent = await fetch(`${w.emulator.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: pair.refreshToken, client_id: w.app.clientId, client_secret: w.app.clientSecret }).toString(),
    });
    expect(spent.status).toBe(200);
    w.emulator.admin.expireAllTokens();
    const answer = await jar.fetch(`${base()}/api/box/test_folder?folder_id=0`);
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('box_connection_broken');
    // Reconnecting clears it.
    const box = w.emulator.admin.createUser({ name: 'Again', login: 'again@example.com' });
    expect((await jar.fetch(await authorizeAt(w, jar, box.id))).status).toBe(200);
    expect(((await (await jar.fetch(`${base()}/api/box/status`)).json()) as { connected: boolean }).connected).toBe(true);
  });

  it('disconnect revokes at Box and deletes the tokens', async () => {
    const { jar } = await connectMember('bye@example.com');
    const { pair } = (await remember(w.users.member.id))!;
    // Another site cannot disconnect you (CSRF), and nobody signed out gets anything.
    const forged = await jar.fetch(`${base()}/api/box/disconnect`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(await findConnection(w.t.db.kysely, w.users.member.id)).toBeDefined();
    expect((await fetch(`${base()}/api/box/status`)).status).toBe(401);
    const answer = await jar.fetch(`${base()}/api/box/disconnect`, { method: 'POST', headers: { origin: w.url } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ connected: false, revoked_at_box: true, deleted: true });
    expect(w.emulator.core.tokens.refreshTokens.has(pair.refreshToken)).toBe(false);
    expect(await findConnection(w.t.db.kysely, w.users.member.id)).toBeUndefined();
    const status = (await (await jar.fetch(`${base()}/api/box/status`)).json()) as { connected: boolean };
    expect(status.connected).toBe(false);
  });

  it('signs in with Box an existing account whose e-mail is the Box login, and refuses an unknown one', async () => {
    const box = w.emulator.admin.createUser({ name: 'Admin at Box', login: 'Admin@Agency.example' });
    const jar = new Jar();
    const done = await jar.fetch(await authorizeAt(w, jar, box.id, '/auth/box/login?mode=signin'));
    expect(done.status, await done.clone().text()).toBe(200);
    expect(jar.cookies.has('aiqc_session')).toBe(true);
    const status = (await (await jar.fetch(`${base()}/api/box/status`)).json()) as { connected: boolean; box_user: { login: string } };
    expect(status.connected).toBe(true);
    expect(status.box_user.login).toBe('Admin@Agency.example');
    await remember(w.users.admin.id);

    const stranger = w.emulator.admin.createUser({ name: 'Stranger', login: 'nobody@else.example' });
    const other = new Jar();
    const refused = await other.fetch(await authorizeAt(w, other, stranger.id, '/auth/box/login?mode=signin'));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('No aiqc account has the e-mail of the Box account nobody@else.example');
    expect(other.cookies.has('aiqc_session')).toBe(false);
  });

  it('the log holds no token, and the database files hold no token', async () => {
    expect(seenTokens.size).toBeGreaterThan(6);
    const log = await readFile(w.logFile, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    for (const token of seenTokens) expect(log.includes(token), 'a token is in the log').toBe(false);
    const config = w.t.config as { path?: string };
    for (const file of config.path ? [config.path, `${config.path}-wal`] : []) {
      const bytes = await readFile(file).catch(() => Buffer.alloc(0));
      for (const token of seenTokens) expect(bytes.includes(Buffer.from(token)), `a token is in ${file}`).toBe(false);
    }
    console.log(`log: ${log.split('\n').length} lines, ${seenTokens.size} tokens searched, none found`);
  });
});
