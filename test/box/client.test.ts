// aiqc's Box client against the emulator over real HTTP: every helper the pipeline uses,
// the shared token, the retry policy and the typed errors.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoxSettings } from '../../src/box/index.js';
import { BoxApiError, BoxClient } from '../../src/box/index.js';
import type { SeededEmulator } from '../box-emulator/fixtures.js';
import { startSeededEmulator } from '../box-emulator/fixtures.js';

let seed: SeededEmulator;
let box: BoxClient;

const jwtSettings = (s: SeededEmulator): BoxSettings => ({ auth: { kind: 'jwt', configPath: s.jwtConfigPath }, baseUrls: s.emulator.baseUrls });

beforeAll(async () => {
  seed = await startSeededEmulator({ chunkedUploadMinBytes: 1000, chunkedUploadPartBytes: 1024 });
  box = new BoxClient({ settings: jwtSettings(seed), retry: { baseDelayMs: 10, maxDelayMs: 50 }, chunkedUploadThresholdBytes: 2000 });
});
afterAll(async () => {
  await seed.close();
});

async function caught(promise: Promise<unknown>): Promise<BoxApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BoxApiError);
  return err as BoxApiError;
}

const fileWith = (name: string, content: Buffer): string => {
  const path = join(seed.dir, name);
  writeFileSync(path, content);
  return path;
};

describe('BoxClient sign-in and the shared token', () => {
  it('signs in from the env variables with the JWT config, and with client credentials', async () => {
    const fromEnv = BoxClient.fromEnv({
      BOX_JWT_CONFIG_PATH: seed.jwtConfigPath,
      BOX_API_BASE_URL: seed.emulator.baseUrls.baseUrl,
      BOX_UPLOAD_BASE_URL: seed.emulator.baseUrls.uploadUrl,
      BOX_OAUTH2_BASE_URL: seed.emulator.baseUrls.oauth2Url,
    });
    expect((await fromEnv.getCurrentUser()).id).toBe(seed.serviceAccount.id);
    const ccg = BoxClient.fromEnv({
      BOX_CLIENT_ID: seed.clientId,
      BOX_CLIENT_SECRET: seed.clientSecret,
      BOX_ENTERPRISE_ID: seed.enterpriseId,
      BOX_API_BASE_URL: seed.emulator.url,
    });
    expect((await ccg.getCurrentUser()).login).toBe(seed.serviceAccount.login);
  });

  it('fetches one token for many concurrent calls and a new one only after Box expires it', async () => {
    const client = new BoxClient({ settings: jwtSettings(seed) });
    await Promise.all(Array.from({ length: 12 }, () => client.getFolder(seed.incoming.id)));
    expect(client.tokensIssued).toBe(1);
    seed.emulator.admin.expireAllTokens();
    await Promise.all(Array.from({ length: 6 }, () => client.getCurrentUser()));
    expect(client.tokensIssued).toBe(2);
  });

  it('refreshes early: a token is replaced before Box would refuse it', async () => {
    // Tokens that live 2 s, a 300 s margin: refreshed at half-life, while Box still accepts them.
    const shortLived = await startSeededEmulator({ accessTokenTtlS: 2 });
    try {
      const client = new BoxClient({ settings: jwtSettings(shortLived), tokenRefreshMarginS: 300 });
      await client.getCurrentUser();
      await client.getCurrentUser();
      expect(client.tokensIssued).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const tokensBefore = shortLived.emulator.core.tokens.accessTokens.size;
      await client.getCurrentUser();
      expect(client.tokensIssued).toBe(2);
      // The old token was still live at Box (an expired one is dropped when presented): the
      // refresh came before any 401.
      expect(shortLived.emulator.core.tokens.accessTokens.size).toBe(tokensBefore + 1);
    } finally {
      await shortLived.close();
    }
  });
});

describe('BoxClient token requests after a lost answer', () => {
  it('retries a token request whose answer was lost with a fresh JWT assertion (Box refuses a reused jti)', async () => {
    const client = new BoxClient({ settings: jwtSettings(seed), retry: { baseDelayMs: 10, maxDelayMs: 50 } });
    // Box takes the assertion (its jti is now used), then the connection drops before the answer.
    seed.emulator.admin.injectFault({ method: 'POST', path: '/oauth2/token', resetAfterHandling: true });
    const me = await client.getCurrentUser();
    expect(me.id).toBe(seed.serviceAccount.id);
    expect(client.tokensIssued).toBe(1);
  });

  it('counts a token refusal that follows a lost connection as transient, not as wrong credentials', async () => {
    const client = new BoxClient({ settings: jwtSettings(seed), retry: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 2 } });
    seed.emulator.admin.injectFault({ method: 'POST', path: '/oauth2/token', reset: true });
    seed.emulator.admin.injectFault({ method: 'POST', path: '/oauth2/token', status: 400, code: 'invalid_grant' });
    const error = await caught(client.getCurrentUser());
    expect(error.code).toBe('invalid_grant');
    expect(error.transient).toBe(true);
    expect(error.message).not.toContain('Check the Box credentials');
    seed.emulator.admin.clearFaults();
    // Without a lost connection first, the same refusal is the credentials problem it looks like.
    seed.emulator.admin.injectFault({ method: 'POST', path: '/oauth2/token', status: 400, code: 'invalid_grant' });
    const refused = await caught(client.getCurrentUser());
    expect(refused.transient).toBe(false);
    expect(refused.message).toContain('Check the Box credentials');
  });
});

describe('BoxClient folder and file helpers', () => {
  it('lists every item across pages', async () => {
    const folder = await box.findOrCreateFolder(seed.incoming.id, 'many');
    for (let i = 0; i < 7; i += 1) seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: folder.id, name: `item-${i}.jpg`, content: `c${i}` });
    const items = await box.listAllItems(folder.id, { pageSize: 3 });
    expect(items.map((i) => i.name)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `item-${i}.jpg`));
    expect(items[0]).toMatchObject({ type: 'file', size: 2 });
    expect(items[0]?.versionId).toBeTruthy();
    expect(items[0]?.sha1).toBe(createHash('sha1').update('c0').digest('hex'));
  });

  it('reads file info and streams a download to disk', async () => {
    const content = randomBytes(300_000);
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'download me.mp4', content });
    const info = await box.getFileInfo(file.id);
    expect(info).toMatchObject({ id: file.id, name: 'download me.mp4', size: 300_000, parentId: seed.incoming.id });
    expect(info.path.map((p) => p.id)).toEqual(['0', seed.incoming.id]);
    const dest = join(seed.dir, 'downloaded.mp4');
    const result = await box.downloadToPath(file.id, dest);
    expect(result.bytes).toBe(300_000);
    expect(result.sha1).toBe(info.sha1);
    expect(readFileSync(dest).equals(content)).toBe(true);
  });

  it('restarts a download whose connection drops mid-body, leaving a whole file', async () => {
    // The SDK's own retry covers a request that got no answer; a body cut off halfway is
    // downloadToPath's to restart (its retry loop), which this proves.
    const content = randomBytes(200_000);
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'reset.wav', content });
    seed.emulator.admin.injectFault({ method: 'GET', path: '/_content/**', resetMidBody: true });
    const dest = join(seed.dir, 'reset.wav');
    const client = new BoxClient({ settings: jwtSettings(seed), retry: { baseDelayMs: 10, maxDelayMs: 50 }, downloadIdleTimeoutMs: 500 });
    const result = await client.downloadToPath(file.id, dest);
    expect(result).toEqual({ bytes: 200_000, sha1: createHash('sha1').update(content).digest('hex') });
    expect(readFileSync(dest).equals(content)).toBe(true);
    expect(seed.emulator.admin.faults().find((f) => f.resetMidBody)?.hits).toBe(1);
  });

  it('uploads small files streamed and large ones through an upload session, and new versions of both', async () => {
    const small = randomBytes(1500);
    const uploaded = await box.uploadFile({ folderId: seed.reports.id, name: 'QC_Report_S1_a.html', path: fileWith('small.bin', small) });
    expect(uploaded).toMatchObject({ name: 'QC_Report_S1_a.html', size: 1500, sha1: createHash('sha1').update(small).digest('hex') });

    const large = randomBytes(5000);
    const chunked = await box.uploadFile({ folderId: seed.reports.id, name: 'big.mov', path: fileWith('large.bin', large) });
    expect(chunked).toMatchObject({ name: 'big.mov', size: 5000, sha1: createHash('sha1').update(large).digest('hex') });

    const v2 = await box.uploadNewVersion({ fileId: uploaded.id, path: fileWith('small2.bin', Buffer.from('second version')) });
    expect(v2.id).toBe(uploaded.id);
    expect(v2.versionId).not.toBe(uploaded.versionId);
    const largeV2 = randomBytes(4096);
    const chunkedV2 = await box.uploadNewVersion({ fileId: chunked.id, path: fileWith('large2.bin', largeV2) });
    expect(chunkedV2).toMatchObject({ id: chunked.id, size: 4096 });

    const conflict = await caught(box.uploadFile({ folderId: seed.reports.id, name: 'big.mov', path: fileWith('tiny.bin', Buffer.from('x')) }));
    expect(conflict).toMatchObject({ status: 409, code: 'item_name_in_use' });
  });

  it('finds or creates _PROCESSED safely when several workers race', async () => {
    const parent = await box.findOrCreateFolder(seed.incoming.id, 'race');
    const results = await Promise.all(Array.from({ length: 6 }, () => box.findOrCreateFolder(parent.id, '_PROCESSED')));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('moves and renames, adding a suffix when the name is taken', async () => {
    const processed = await box.findOrCreateFolder(seed.incoming.id, '_PROCESSED');
    const a = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'spot.mp4', content: 'a' });
    const first = await box.moveAndRename(a.id, { parentId: processed.id, name: 'S1_spot.mp4' });
    expect(first).toMatchObject({ name: 'S1_spot.mp4', parentId: processed.id });
    const b = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'spot.mp4', content: 'b' });
    const second = await box.moveAndRename(b.id, { parentId: processed.id, name: 'S1_spot.mp4' });
    expect(second.name).toBe('S1_spot (2).mp4');
  });
});

describe('BoxClient webhooks', () => {
  it('creates, lists every page, reads and deletes webhooks', async () => {
    const { app } = seed.emulator.admin.defaultApp();
    for (let i = 0; i < 203; i += 1) {
      // One webhook per item per app, as on Box: a folder each.
      const folder = seed.emulator.admin.createFolder({ name: `hooked ${i}`, parentId: seed.reports.id, ownerId: seed.owner.id });
      seed.emulator.core.createWebhook(seed.serviceAccount.id, app.clientId, {
        target: { id: folder.id, type: 'folder' },
        address: `https://hooks.example.com/${i}`,
        triggers: ['FILE.UPLOADED'],
      });
    }
    const created = await box.createWebhook({ targetId: seed.incoming.id, address: 'https://aiqc.example.com/api/box/webhook' });
    expect(created).toMatchObject({ targetId: seed.incoming.id, targetType: 'folder', triggers: ['FILE.UPLOADED'] });
    const all = await box.listAllWebhooks();
    expect(all.length).toBeGreaterThanOrEqual(204);
    expect(all.map((w) => w.id)).toContain(created.id);
    expect((await box.getWebhook(created.id)).address).toBe('https://aiqc.example.com/api/box/webhook');
    await box.deleteWebhook(created.id);
    const gone = await caught(box.getWebhook(created.id));
    expect(gone.status).toBe(404);
    expect(gone.hint).toContain(`webhook ${created.id}`);
  });
});

describe('BoxClient errors and the retry policy', () => {
  it('types a 403 with Box’s code, request_id and the fix naming the service account', async () => {
    // A fresh client that has not fetched users/me: the fix still names the account.
    const fresh = new BoxClient({ settings: jwtSettings(seed) });
    const err = await caught(fresh.listAllItems(seed.privateFolder.id));
    expect(err.status).toBe(403);
    expect(err.code).toBe('access_denied_insufficient_permissions');
    expect(err.requestId).toMatch(/^[0-9a-f]{16}$/);
    expect(err.hint).toContain(seed.serviceAccount.login);
    expect(err.message).toContain(`folder ${seed.privateFolder.id}`);
    expect(err.transient).toBe(false);
    const upload = await caught(new BoxClient({ settings: jwtSettings(seed) }).uploadFile({ folderId: seed.viewerFolder.id, name: 'x.html', path: fileWith('viewer.html', Buffer.from('x')) }));
    expect(upload.status).toBe(403);
    expect(upload.hint).toContain(seed.serviceAccount.login);
  });

  it('honours a 429’s lower-case Retry-After before retrying', async () => {
    seed.emulator.admin.injectFault({ path: `/2.0/folders/${seed.incoming.id}`, status: 429, retryAfter: 1 });
    const started = Date.now();
    const folder = await box.getFolder(seed.incoming.id);
    expect(folder.canUpload).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx with backoff and surfaces the last failure with its request_id', async () => {
    seed.emulator.admin.injectFault({ path: `/2.0/files/*`, method: 'GET', status: 503, times: 2 });
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'flaky.png', content: 'png' });
    expect((await box.getFileInfo(file.id)).id).toBe(file.id);

    const faultId = seed.emulator.admin.injectFault({ path: `/2.0/files/*`, method: 'GET', status: 500, times: 0 });
    try {
      const err = await caught(box.getFileInfo(file.id));
      expect(err).toMatchObject({ status: 500, code: 'internal_server_error', transient: true });
      expect(err.requestId).toMatch(/^[0-9a-f]{16}$/);
      expect(err.message).toContain(`request_id ${err.requestId}`);
      expect(seed.emulator.admin.faults().find((f) => f.id === faultId)?.hits).toBe(5);
    } finally {
      seed.emulator.admin.clearFaults();
    }
  });

  it('retries a streamed upload after a reset and a 429', async () => {
    seed.emulator.admin.injectFault({ path: '/api/2.0/files/content', reset: true });
    seed.emulator.admin.injectFault({ path: '/api/2.0/files/content', status: 429, retryAfter: 0 });
    const uploaded = await box.uploadFile({ folderId: seed.reports.id, name: 'after-faults.html', path: fileWith('faults.bin', Buffer.from('<p>ok</p>')) });
    expect(uploaded.size).toBe(9);
    expect(seed.emulator.admin.faults().filter((f) => f.path === '/api/2.0/files/content').map((f) => f.hits)).toEqual([1, 1]);
  });
});

describe('BoxClient and Box’s 202 “not ready yet”', () => {
  it('waits out a 202 + Retry-After on a download, then streams the file', async () => {
    const content = randomBytes(5000);
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'not-ready.bin', content });
    seed.emulator.admin.injectFault({ method: 'GET', path: `/2.0/files/${file.id}/content`, status: 202, retryAfter: 1 });
    const dest = join(seed.dir, 'not-ready.out');
    const started = Date.now();
    const result = await box.downloadToPath(file.id, dest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(result).toEqual({ bytes: 5000, sha1: createHash('sha1').update(content).digest('hex') });
    expect(readFileSync(dest).equals(content)).toBe(true);
  });

  it('waits out a 202 + Retry-After on a chunked commit, then returns the file', async () => {
    const content = randomBytes(3000);
    seed.emulator.admin.injectFault({ method: 'POST', path: '/api/2.0/files/upload_sessions/*/commit', status: 202, retryAfter: 1 });
    const uploaded = await box.uploadFile({ folderId: seed.reports.id, name: 'assembling.mov', path: fileWith('assembling.bin', content) });
    expect(uploaded).toMatchObject({ name: 'assembling.mov', size: 3000 });
    expect(seed.emulator.admin.faults().find((f) => f.status === 202 && f.path.endsWith('/commit'))?.hits).toBe(1);
  });
});

describe('BoxClient upload idempotency', () => {
  it('treats a retried upload whose first answer was lost as done, and a different file of that name as a conflict', async () => {
    const path = fileWith('lost-answer.html', Buffer.from('<p>report</p>'));
    seed.emulator.admin.injectFault({ path: '/api/2.0/files/content', resetAfterHandling: true });
    const uploaded = await box.uploadFile({ folderId: seed.reports.id, name: 'QC_Report_lost.html', path });
    expect(uploaded).toMatchObject({ name: 'QC_Report_lost.html', size: 13 });
    const items = await box.listAllItems(seed.reports.id);
    expect(items.filter((i) => i.name === 'QC_Report_lost.html')).toHaveLength(1);
    const other = await caught(box.uploadFile({ folderId: seed.reports.id, name: 'QC_Report_lost.html', path: fileWith('other.html', Buffer.from('<p>other</p>')) }));
    expect(other.status).toBe(409);
  });

  it('treats a chunked upload whose commit answer was lost as done', async () => {
    const content = randomBytes(3000);
    seed.emulator.admin.injectFault({ path: '/api/2.0/files/upload_sessions/*/commit', resetAfterHandling: true });
    const uploaded = await box.uploadFile({ folderId: seed.reports.id, name: 'lost-commit.mov', path: fileWith('lost-commit.bin', content) });
    expect(uploaded).toMatchObject({ name: 'lost-commit.mov', size: 3000, sha1: createHash('sha1').update(content).digest('hex') });
    expect(seed.emulator.admin.faults().find((f) => f.path === '/api/2.0/files/upload_sessions/*/commit')?.hits).toBe(1);
  });
});
