// Emulator behaviours outside the SDK's happy paths: Box's JWT assertion rules, OAuth error
// shape, fault injection, state persistence and the `aiqc-box-emulator` command.
import { spawn } from 'node:child_process';
import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxClient, BoxJwtAuth, JwtConfig } from 'box-node-sdk';
import { BaseUrls, NetworkSession } from 'box-node-sdk/networking';
import type { BoxAppConfigJson } from '../../src/box-emulator/index.js';
import { runBoxEmulatorCli, startBoxEmulator } from '../../src/box-emulator/index.js';
import type { SeededEmulator } from './fixtures.js';
import { startSeededEmulator } from './fixtures.js';

let seed: SeededEmulator;
let config: BoxAppConfigJson;

beforeAll(async () => {
  seed = await startSeededEmulator();
  config = seed.emulator.admin.defaultApp().config;
});
afterAll(async () => {
  await seed.close();
});

function assertion(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const key = createPrivateKey({ key: config.boxAppSettings.appAuth.privateKey, passphrase: config.boxAppSettings.appAuth.passphrase });
  const encode = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key).toString('base64url');
  return `${signingInput}.${signature}`;
}

const now = (): number => Math.floor(Date.now() / 1000);
const goodClaims = (): Record<string, unknown> => ({
  iss: config.boxAppSettings.clientID,
  sub: config.enterpriseID,
  box_sub_type: 'enterprise',
  aud: 'https://api.box.com/oauth2/token',
  jti: randomUUID(),
  exp: now() + 45,
});

async function token(jwt: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${seed.emulator.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwt,
      client_id: config.boxAppSettings.clientID,
      client_secret: config.boxAppSettings.clientSecret,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('JWT bearer grant', () => {
  it('accepts a well-formed assertion once and rejects its jti the second time', async () => {
    const jwt = assertion(goodClaims());
    const first = await token(jwt);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const replay = await token(jwt);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(replay.body['error_description'])).toContain("'jti'");
  });

  it.each([
    ['exp more than 60 s ahead', { exp: now() + 120 }, "'exp'"],
    ['exp in the past', { exp: now() - 5 }, "'exp'"],
    ['wrong audience', { aud: 'https://example.com' }, "'aud'"],
    ['wrong issuer', { iss: 'someone-else' }, "'iss'"],
    ['bad box_sub_type', { box_sub_type: 'group' }, "'box_sub_type'"],
    ['another enterprise', { sub: '1' }, "'sub'"],
  ])('rejects %s', async (_label, override, mention) => {
    const result = await token(assertion({ ...goodClaims(), ...override }));
    expect(result.status).toBe(400);
    expect(result.body['error']).toBe('invalid_grant');
    expect(String(result.body['error_description'])).toContain(mention);
  });

  it('rejects an assertion signed by another key', async () => {
    const other = seed.emulator.admin.createApp('other').config;
    const key = createPrivateKey({ key: other.boxAppSettings.appAuth.privateKey, passphrase: other.boxAppSettings.appAuth.passphrase });
    const encode = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${encode({ alg: 'RS256' })}.${encode(goodClaims())}`;
    const forged = `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
    const result = await token(forged);
    expect(result.status).toBe(400);
    expect(String(result.body['error_description'])).toContain('Signature verification');
  });

  it('answers bad client credentials with OAuth’s error shape', async () => {
    const res = await fetch(`${seed.emulator.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'nope', box_subject_type: 'enterprise', box_subject_id: config.enterpriseID }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'The client credentials are invalid' });
  });
});

describe('fault injection and Box’s wire details', () => {
  async function bearer(): Promise<string> {
    return String((await token(assertion(goodClaims()))).body['access_token']);
  }

  it('answers 429 with a lower-case retry-after and rate_limit_exceeded, then recovers', async () => {
    const access = await bearer();
    seed.emulator.admin.injectFault({ method: 'GET', path: '/2.0/folders/*', status: 429, retryAfter: 3, times: 1 });
    const limited = await fetch(`${seed.emulator.url}/2.0/folders/${seed.incoming.id}`, { headers: { authorization: `Bearer ${access}` } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    const body = (await limited.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'error', status: 429, code: 'rate_limit_exceeded' });
    expect(body['request_id']).toBeTruthy();
    const ok = await fetch(`${seed.emulator.url}/2.0/folders/${seed.incoming.id}`, { headers: { authorization: `Bearer ${access}` } });
    expect(ok.status).toBe(200);
  });

  it('resets the connection and delays on request', async () => {
    const access = await bearer();
    seed.emulator.admin.injectFault({ path: '/2.0/users/me', reset: true });
    await expect(fetch(`${seed.emulator.url}/2.0/users/me`, { headers: { authorization: `Bearer ${access}` } })).rejects.toThrow();
    seed.emulator.admin.injectFault({ path: '/2.0/users/me', delayMs: 150 });
    const started = Date.now();
    const res = await fetch(`${seed.emulator.url}/2.0/users/me`, { headers: { authorization: `Bearer ${access}` } });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers an unknown or expired token with 401 and no body', async () => {
    const res = await fetch(`${seed.emulator.url}/2.0/users/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await res.text()).toBe('');
  });

  it('refuses offset paging beyond 10 000 like Box', async () => {
    const access = await bearer();
    const res = await fetch(`${seed.emulator.url}/2.0/folders/${seed.incoming.id}/items?offset=10001`, { headers: { authorization: `Bearer ${access}` } });
    expect(res.status).toBe(400);
  });

  it('requires attributes before file in a multipart upload', async () => {
    const access = await bearer();
    const form = new FormData();
    form.append('file', new Blob(['data']), 'x.txt');
    form.append('attributes', JSON.stringify({ name: 'x.txt', parent: { id: seed.incoming.id } }));
    const res = await fetch(`${seed.emulator.url}/api/2.0/files/content`, { method: 'POST', body: form, headers: { authorization: `Bearer ${access}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'metadata_after_file_contents' });
  });

  it('seeds and inspects through the HTTP admin API', async () => {
    const user = (await (await fetch(`${seed.emulator.url}/_admin/users`, { method: 'POST', body: JSON.stringify({ name: 'Via HTTP' }) })).json()) as { id: string };
    const folder = (await (await fetch(`${seed.emulator.url}/_admin/folders`, { method: 'POST', body: JSON.stringify({ name: 'HTTP seeded', owner_id: user.id }) })).json()) as { id: string };
    const upload = await fetch(`${seed.emulator.url}/_admin/upload?user_id=${user.id}&folder_id=${folder.id}&name=a.txt`, { method: 'POST', body: 'hello' });
    expect(upload.status).toBe(201);
    expect(await upload.json()).toMatchObject({ type: 'file', name: 'a.txt', size: 5 });
    const fault = await fetch(`${seed.emulator.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ path: '/2.0/webhooks', status: 503, times: 2 }) });
    expect(fault.status).toBe(201);
    const listed = (await (await fetch(`${seed.emulator.url}/_admin/faults`)).json()) as { entries: Array<{ remaining: number }> };
    expect(listed.entries.at(-1)?.remaining).toBe(2);
    expect((await fetch(`${seed.emulator.url}/_admin/faults`, { method: 'DELETE' })).status).toBe(204);
    const apps = (await (await fetch(`${seed.emulator.url}/_admin/apps`)).json()) as { entries: Array<{ client_id: string }> };
    expect(apps.entries.map((a) => a.client_id)).toContain(config.boxAppSettings.clientID);
  });
});

describe('persistence and the aiqc-box-emulator command', () => {
  it('runs as the built bin (package.json "bin": dist/box-emulator/main.js) and writes an app config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiqc-emu-bin-'));
    const configPath = join(dir, 'app.json');
    const child = spawn(process.execPath, ['dist/box-emulator/main.js', '--port', '0', '--write-app-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(text);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${text}`)));
      });
      const written = JSON.parse(readFileSync(configPath, 'utf8')) as BoxAppConfigJson;
      const apps = (await (await fetch(`${url}/_admin/apps`)).json()) as { entries: Array<{ client_id: string }> };
      expect(apps.entries.map((a) => a.client_id)).toContain(written.boxAppSettings.clientID);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps state across restarts with --state, and --write-app-config yields a config the SDK signs in with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiqc-emu-cli-'));
    try {
      const statePath = join(dir, 'state.json');
      const configPath = join(dir, 'app.json');
      const lines: string[] = [];
      const first = await runBoxEmulatorCli(
        ['--port', '0', '--state', statePath, '--write-app-config', configPath, '--primary-key', 'pk-1', '--secondary-key', 'sk-2'],
        (l) => lines.push(l),
      );
      expect(lines.join('\n')).toContain('BOX_UPLOAD_BASE_URL=');
      const written = JSON.parse(readFileSync(configPath, 'utf8')) as BoxAppConfigJson;
      expect(Object.keys(written.boxAppSettings.appAuth).sort()).toEqual(['passphrase', 'privateKey', 'publicKeyID']);
      const owner = first.admin.createUser({ name: 'Persisted' });
      const folder = first.admin.createFolder({ name: 'Kept', ownerId: owner.id });
      const writtenApp = first.admin.state.apps.get(written.boxAppSettings.clientID);
      expect([writtenApp?.primarySignatureKey, writtenApp?.secondarySignatureKey]).toEqual(['pk-1', 'sk-2']);
      expect(first.admin.defaultApp().app.primarySignatureKey).toBe('pk-1');
      const serviceAccountId = writtenApp?.serviceAccountId ?? '';
      first.admin.collaborate({ folderId: folder.id, userId: serviceAccountId, role: 'editor' });
      first.admin.uploadAs({ userId: owner.id, folderId: folder.id, name: 'kept.txt', content: 'still here' });
      await first.close();
      expect(existsSync(statePath)).toBe(true);

      const second = await startBoxEmulator({ statePath });
      try {
        const client = new BoxClient({
          auth: new BoxJwtAuth({ config: JwtConfig.fromConfigFile(configPath) }),
          networkSession: new NetworkSession({ baseUrls: new BaseUrls(second.baseUrls) }),
        });
        const items = await client.folders.getFolderItems(folder.id);
        expect(items.entries?.map((e) => e.name)).toEqual(['kept.txt']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
