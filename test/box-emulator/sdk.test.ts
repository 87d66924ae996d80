// The official box-node-sdk v10 against the emulator, for every operation aiqc uses. The
// SDK's deserialisers are strict, so a wrong field type or a missing required field fails here.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxCcgAuth, BoxClient, BoxOAuth, CcgConfig, OAuthConfig } from 'box-node-sdk';
import { BoxApiError as SdkBoxApiError } from 'box-node-sdk/box';
import { BaseUrls, NetworkSession } from 'box-node-sdk/networking';
import type { SeededEmulator } from './fixtures.js';
import { sdkClient, startSeededEmulator } from './fixtures.js';

let seed: SeededEmulator;
let client: BoxClient;

beforeAll(async () => {
  seed = await startSeededEmulator();
  client = sdkClient(seed);
});
afterAll(async () => {
  await seed.close();
});

async function readAll(stream: Readable | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream ?? []) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function sdkError(promise: Promise<unknown>): Promise<SdkBoxApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SdkBoxApiError);
  return err as SdkBoxApiError;
}

describe('box-node-sdk against the emulator', () => {
  it('signs in with the JWT config written for the app and reads users/me as the service account', async () => {
    const me = await client.users.getUserMe();
    expect(me.id).toBe(seed.serviceAccount.id);
    expect(me.login).toMatch(/^AutomationUser_.*@boxdevedition\.com$/);
  });

  it('signs in with client credentials (CCG) for the enterprise', async () => {
    const auth = new BoxCcgAuth({
      config: new CcgConfig({ clientId: seed.clientId, clientSecret: seed.clientSecret, enterpriseId: seed.enterpriseId }),
    });
    const ccg = new BoxClient({ auth, networkSession: new NetworkSession({ baseUrls: new BaseUrls(seed.emulator.baseUrls) }) });
    const me = await ccg.users.getUserMe();
    expect(me.id).toBe(seed.serviceAccount.id);
  });

  it('runs the authorization-code flow, refreshes with rotation and revokes', async () => {
    const oauth = new BoxOAuth({ config: new OAuthConfig({ clientId: seed.clientId, clientSecret: seed.clientSecret }) });
    const networkSession = new NetworkSession({ baseUrls: new BaseUrls(seed.emulator.baseUrls) });
    const authorizeUrl = new URL(oauth.getAuthorizeUrl({ redirectUri: 'http://127.0.0.1:9/callback', state: 'xyz' }));
    // The SDK builds the authorize URL on Box's account host; the emulator serves the same path.
    const page = await fetch(`${seed.emulator.url}${authorizeUrl.pathname}${authorizeUrl.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Grant access');
    const grant = await fetch(`${seed.emulator.url}/api/oauth2/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: seed.clientId, redirect_uri: 'http://127.0.0.1:9/callback', state: 'xyz', user_id: seed.owner.id }),
      redirect: 'manual',
    });
    expect(grant.status).toBe(302);
    const location = new URL(grant.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('xyz');
    const token = await oauth.getTokensAuthorizationCodeGrant(location.searchParams.get('code') ?? '', networkSession);
    expect(token.refreshToken).toBeTruthy();
    const userClient = new BoxClient({ auth: oauth, networkSession });
    expect((await userClient.users.getUserMe()).id).toBe(seed.owner.id);

    const oldRefresh = token.refreshToken;
    const refreshed = await oauth.refreshToken(networkSession);
    expect(refreshed.refreshToken).not.toBe(oldRefresh);
    const reuse = await fetch(`${seed.emulator.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oldRefresh ?? '', client_id: seed.clientId, client_secret: seed.clientSecret }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    // One successful refresh counted (the refused reuse is not); the admin API reports the same.
    const before = seed.emulator.admin.oauthStats();
    expect(before.refreshes).toBe(1);
    expect(before.refresh_tokens).toBeGreaterThanOrEqual(1);
    expect(await (await fetch(`${seed.emulator.url}/_admin/oauth/stats`)).json()).toEqual(before);

    await oauth.revokeToken(networkSession);
    const afterRevoke = await fetch(`${seed.emulator.url}/2.0/users/me`, { headers: { authorization: `Bearer ${refreshed.accessToken}` } });
    expect(afterRevoke.status).toBe(401);
  });

  it('refreshes after the emulator expires the access token (401 → new JWT assertion)', async () => {
    await client.users.getUserMe();
    expect(seed.emulator.admin.expireAllTokens()).toBeGreaterThan(0);
    const seen: string[] = [];
    const stop = seed.emulator.onRequest((info) => seen.push(`${info.method} ${info.path}`));
    const me = await client.users.getUserMe();
    stop();
    expect(me.id).toBe(seed.serviceAccount.id);
    // 401 on the stale token, a new JWT assertion, then the retried call.
    expect(seen).toEqual(['GET /2.0/users/me', 'POST /oauth2/token', 'GET /2.0/users/me']);
  });

  it('lists folder items with offset and marker pagination', async () => {
    const folder = await client.folders.createFolder({ name: 'paging', parent: { id: seed.incoming.id } });
    for (let i = 0; i < 7; i += 1) seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: folder.id, name: `f${i}.txt`, content: `file ${i}` });
    await client.folders.createFolder({ name: 'sub', parent: { id: folder.id } });

    const first = await client.folders.getFolderItems(folder.id, { queryParams: { limit: 3, offset: 0 } });
    expect(first.totalCount).toBe(8);
    expect(first.entries?.[0]).toMatchObject({ type: 'folder', name: 'sub' });
    const names: string[] = [];
    for (let offset = 0; offset < 8; offset += 3) {
      const page = await client.folders.getFolderItems(folder.id, { queryParams: { limit: 3, offset } });
      names.push(...(page.entries ?? []).map((e) => e.name ?? ''));
    }
    expect(names).toEqual(['sub', 'f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6.txt']);

    const byMarker: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client.folders.getFolderItems(folder.id, {
        queryParams: { limit: 3, usemarker: true, ...(marker && { marker }), fields: ['name', 'size', 'modified_at'] },
      });
      byMarker.push(...(page.entries ?? []).map((e) => e.name ?? ''));
      marker = page.nextMarker ?? undefined;
    } while (marker);
    expect(byMarker).toEqual(names);
  });

  it('gets folder and file info, downloads through the 302 content redirect', async () => {
    const folder = await client.folders.getFolderById(seed.incoming.id);
    expect(folder.name).toBe('Diageo INCOMING');
    expect(folder.pathCollection?.entries?.[0]?.id).toBe('0');
    const content = randomBytes(4096);
    const uploaded = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'asset.bin', content });
    const info = await client.files.getFileById(uploaded.id);
    expect(info.size).toBe(4096);
    expect(info.sha1).toBe(createHash('sha1').update(content).digest('hex'));
    expect(info.parent?.id).toBe(seed.incoming.id);
    const downloaded = await readAll((await client.downloads.downloadFile(uploaded.id)) as Readable | undefined);
    expect(downloaded.equals(content)).toBe(true);
  });

  it('uploads a file, a new version, and moves + renames it', async () => {
    const files = await client.uploads.uploadFile({
      attributes: { name: 'report.html', parent: { id: seed.reports.id } },
      file: Readable.from(Buffer.from('<h1>v1</h1>')),
    });
    const file = files.entries?.[0];
    expect(file?.name).toBe('report.html');
    expect(file?.size).toBe(11);

    const v2 = await client.uploads.uploadFileVersion(file?.id ?? '', {
      attributes: { name: 'report.html' },
      file: Readable.from(Buffer.from('<h1>version 2</h1>')),
    });
    expect(v2.entries?.[0]?.fileVersion?.id).not.toBe(file?.fileVersion?.id);
    expect(v2.entries?.[0]?.size).toBe(18);

    const processed = await client.folders.createFolder({ name: '_PROCESSED', parent: { id: seed.reports.id } });
    const moved = await client.files.updateFileById(file?.id ?? '', {
      requestBody: { name: 'S1_report.html', parent: { id: processed.id } },
    });
    expect(moved.name).toBe('S1_report.html');
    expect(moved.parent?.id).toBe(processed.id);
  });

  it('answers 409 item_name_in_use with context_info.conflicts (SDK wraps the code in quotes)', async () => {
    await client.folders.createFolder({ name: 'dup', parent: { id: seed.incoming.id } });
    const err = await sdkError(client.folders.createFolder({ name: 'dup', parent: { id: seed.incoming.id } }));
    expect(err.responseInfo.statusCode).toBe(409);
    // SDK 10.12 JSON-stringifies the code: the raw body holds the real one.
    expect(err.responseInfo.code).toBe('"item_name_in_use"');
    expect((err.responseInfo.body as { code: string }).code).toBe('item_name_in_use');
    const conflicts = (err.responseInfo.contextInfo as { conflicts: Array<{ type: string; name: string }> }).conflicts;
    expect(conflicts[0]).toMatchObject({ type: 'folder', name: 'dup' });
    expect(err.responseInfo.requestId).toBeTruthy();
  });

  it('chunk-uploads a file above Box’s 20 MB session minimum', async () => {
    const size = 20_000_000 + 123_457;
    const content = randomBytes(size);
    const file = await client.chunkedUploads.uploadBigFile(Readable.from(content), 'big.mov', size, seed.incoming.id);
    expect(file.size).toBe(size);
    expect(file.sha1).toBe(createHash('sha1').update(content).digest('hex'));
  });

  it('creates, lists (every page) and deletes webhooks', async () => {
    const created: string[] = [];
    // Box allows one webhook per item per app: three folders, one webhook each.
    const targets = [0, 1, 2].map((i) => seed.emulator.admin.createFolder({ name: `hooked ${i}`, parentId: seed.incoming.id, ownerId: seed.owner.id }));
    for (let i = 0; i < 3; i += 1) {
      const webhook = await client.webhooks.createWebhook({
        target: { id: targets[i]?.id ?? '', type: 'folder' },
        address: `https://hooks.example.com/box/${i}`,
        triggers: ['FILE.UPLOADED'],
      });
      expect(webhook.triggers).toEqual(['FILE.UPLOADED']);
      created.push(webhook.id ?? '');
    }
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client.webhooks.getWebhooks({ limit: 2, ...(marker && { marker }) });
      seen.push(...(page.entries ?? []).map((w) => w.id ?? ''));
      marker = page.nextMarker ?? undefined;
    } while (marker);
    expect(seen).toEqual(expect.arrayContaining(created));
    const again = await sdkError(
      client.webhooks.createWebhook({ target: { id: targets[0]?.id ?? '', type: 'folder' }, address: 'https://hooks.example.com/box/other', triggers: ['FILE.UPLOADED'] }),
    );
    expect(again.responseInfo.statusCode).toBe(409);
    for (const id of created) await client.webhooks.deleteWebhookById(id);
    const after = await client.webhooks.getWebhooks();
    expect(after.entries?.map((w) => w.id)).not.toEqual(expect.arrayContaining(created));
  });

  it('refuses folders the service account was not invited to (403) and unknown ones (404)', async () => {
    const denied = await sdkError(client.folders.getFolderItems(seed.privateFolder.id));
    expect(denied.responseInfo.statusCode).toBe(403);
    expect((denied.responseInfo.body as { code: string }).code).toBe('access_denied_insufficient_permissions');
    const missing = await sdkError(client.folders.getFolderById('999999999'));
    expect(missing.responseInfo.statusCode).toBe(404);
    const viewer = await sdkError(client.folders.createFolder({ name: '_PROCESSED', parent: { id: seed.viewerFolder.id } }));
    expect(viewer.responseInfo.statusCode).toBe(403);
  });
});
