// The emulator refuses and answers what live Box refuses and answers, where aiqc's code could
// otherwise pass here and break on Box: 409 shapes, webhook rules, offset cap, trash, 202s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxEmulator } from '../../src/box-emulator/index.js';
import { isLoopback } from '../../src/box-emulator/server.js';
import type { SeededEmulator } from './fixtures.js';
import { startSeededEmulator } from './fixtures.js';

let seed: SeededEmulator;
let access: string;

beforeAll(async () => {
  // As Box: webhook addresses must be https on 443 (the emulator's default).
  seed = await startSeededEmulator({ allowInsecureWebhooks: false });
  const res = await fetch(`${seed.emulator.url}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
      box_subject_type: 'enterprise',
      box_subject_id: seed.enterpriseId,
    }),
  });
  access = String(((await res.json()) as Record<string, unknown>)['access_token']);
});
afterAll(async () => {
  await seed.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${seed.emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${access}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

async function upload(folderId: string, name: string, content: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const form = new FormData();
  form.append('attributes', JSON.stringify({ name, parent: { id: folderId } }));
  form.append('file', new Blob([content]), name);
  const res = await fetch(`${seed.emulator.url}/api/2.0/files/content`, { method: 'POST', body: form, headers: { authorization: `Bearer ${access}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('409 item_name_in_use carries context_info.conflicts in Box’s two shapes', () => {
  it('an upload and a preflight answer one object; a folder create answers an array', async () => {
    const first = await upload(seed.incoming.id, 'shape.txt', 'one');
    expect(first.status).toBe(201);
    const again = await upload(seed.incoming.id, 'shape.txt', 'two');
    expect(again.status).toBe(409);
    const uploadConflicts = (again.json['context_info'] as { conflicts: unknown }).conflicts;
    expect(Array.isArray(uploadConflicts)).toBe(false);
    expect(uploadConflicts).toMatchObject({ type: 'file', name: 'shape.txt' });
    const preflight = await api('OPTIONS', '/2.0/files/content', { name: 'shape.txt', parent: { id: seed.incoming.id } });
    expect(preflight.status).toBe(409);
    expect((preflight.json['context_info'] as { conflicts: unknown }).conflicts).toMatchObject({ type: 'file', name: 'shape.txt' });
    expect((await api('POST', '/2.0/folders', { name: 'twice', parent: { id: seed.incoming.id } })).status).toBe(201);
    const folder = await api('POST', '/2.0/folders', { name: 'twice', parent: { id: seed.incoming.id } });
    expect(folder.status).toBe(409);
    const folderConflicts = (folder.json['context_info'] as { conflicts: unknown }).conflicts;
    expect(Array.isArray(folderConflicts)).toBe(true);
    expect((folderConflicts as unknown[])[0]).toMatchObject({ type: 'folder', name: 'twice' });
  });
});

describe('webhooks as Box allows them', () => {
  const hook = (targetId: string, address: string, type = 'folder', triggers = ['FILE.UPLOADED']): Promise<{ status: number; json: Record<string, unknown> }> =>
    api('POST', '/2.0/webhooks', { target: { id: targetId, type }, address, triggers });

  it('one webhook per item per app: a second one on the same folder is 409 whatever its address; a PUT moves it', async () => {
    const folder = seed.emulator.admin.createFolder({ name: 'one hook', parentId: seed.incoming.id, ownerId: seed.owner.id });
    const first = await hook(folder.id, 'https://a.example.com/hook');
    expect(first.status).toBe(201);
    const second = await hook(folder.id, 'https://b.example.com/hook');
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ code: 'conflict', message: `Webhook:${String(first.json['id'])} already exists on the specified target.` });
    const moved = await api('PUT', `/2.0/webhooks/${String(first.json['id'])}`, { address: 'https://b.example.com/hook' });
    expect(moved.status).toBe(200);
    expect(moved.json['address']).toBe('https://b.example.com/hook');
  });

  it('refuses an address that is not https on 443, on create and on update', async () => {
    const folder = seed.emulator.admin.createFolder({ name: 'tls only', parentId: seed.incoming.id, ownerId: seed.owner.id });
    for (const address of ['http://aiqc.example.com/hook', 'https://aiqc.example.com:8443/hook', 'http://127.0.0.1:8080/hook']) {
      const refused = await hook(folder.id, address);
      expect(refused.status, address).toBe(400);
      expect(String(refused.json['message'])).toContain('HTTPS on port 443');
    }
    const ok = await hook(folder.id, 'https://aiqc.example.com:443/hook');
    expect(ok.status).toBe(201);
    expect((await api('PUT', `/2.0/webhooks/${String(ok.json['id'])}`, { address: 'http://aiqc.example.com/hook' })).status).toBe(400);
  });

  it('enforces https on 443 by default; allowInsecureWebhooks (--allow-insecure-webhooks) lets a loopback http receiver in', async () => {
    for (const allowInsecureWebhooks of [undefined, true]) {
      const emulator = await startBoxEmulator(allowInsecureWebhooks ? { allowInsecureWebhooks } : {});
      try {
        const { app, serviceAccount } = emulator.admin.defaultApp();
        const folder = emulator.admin.createFolder({ name: 'hooked', ownerId: serviceAccount.id });
        const create = (): unknown =>
          emulator.core.createWebhook(serviceAccount.id, app.clientId, { target: { id: folder.id, type: 'folder' }, address: 'http://127.0.0.1:8080/hook', triggers: ['FILE.UPLOADED'] });
        if (allowInsecureWebhooks) expect(create()).toMatchObject({ address: 'http://127.0.0.1:8080/hook' });
        else expect(create).toThrow('HTTPS on port 443');
      } finally {
        await emulator.close();
      }
    }
  });

  it('refuses FILE.UPLOADED on a file target (Box: folders only)', async () => {
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'watched.txt', content: 'x' });
    const refused = await hook(file.id, 'https://aiqc.example.com/hook', 'file', ['FILE.UPLOADED']);
    expect(refused.status).toBe(400);
    expect(String(refused.json['message'])).toContain('FILE.UPLOADED');
    expect((await hook(file.id, 'https://aiqc.example.com/hook', 'file', ['FILE.DOWNLOADED'])).status).toBe(201);
  });
});

describe('files as Box keeps them', () => {
  it('refuses offset paging past 9 999 (Box’s cap), marker paging has none', async () => {
    expect((await api('GET', `/2.0/folders/${seed.incoming.id}/items?offset=9999`)).status).toBe(200);
    expect((await api('GET', `/2.0/folders/${seed.incoming.id}/items?offset=10000`)).status).toBe(400);
  });

  it('DELETE moves a file to the trash: gone from listings and GET, restorable with POST', async () => {
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'binned.txt', content: 'keep me' });
    expect((await api('DELETE', `/2.0/files/${file.id}`)).status).toBe(204);
    const gone = await api('GET', `/2.0/files/${file.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json['code']).toBe('trashed');
    const listed = await api('GET', `/2.0/folders/${seed.incoming.id}/items?limit=1000`);
    expect((listed.json['entries'] as Array<{ id: string }>).map((e) => e.id)).not.toContain(file.id);
    const trashed = await api('GET', `/2.0/files/${file.id}/trash`);
    expect(trashed.json).toMatchObject({ id: file.id, item_status: 'trashed' });
    expect(trashed.json['trashed_at']).toEqual(expect.any(String));
    const restored = await api('POST', `/2.0/files/${file.id}`, {});
    expect(restored.status).toBe(201);
    expect(restored.json).toMatchObject({ id: file.id, item_status: 'active', trashed_at: null });
    const content = await fetch(`${seed.emulator.url}/2.0/files/${file.id}/content`, { headers: { authorization: `Bearer ${access}` } });
    expect(await content.text()).toBe('keep me');
  });

  it('copies a file into another folder (201, same content, new id) and refuses a taken name with 409', async () => {
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'original.txt', content: 'copy me' });
    const copy = await api('POST', `/2.0/files/${file.id}/copy`, { parent: { id: seed.reports.id } });
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({ name: 'original.txt', sha1: file.versions[0]?.sha1, parent: { id: seed.reports.id } });
    expect(copy.json['id']).not.toBe(file.id);
    expect((await api('POST', `/2.0/files/${file.id}/copy`, { parent: { id: seed.reports.id } })).status).toBe(409);
  });

  it('writes timestamps in the enterprise’s zone with its offset, as Box does (not always +00:00)', async () => {
    const before = Date.now() - 1000;
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'stamped.txt', content: 't' });
    const info = await api('GET', `/2.0/files/${file.id}`);
    const createdAt = String(info.json['created_at']);
    expect(createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-08:00$/);
    expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(createdAt)).toBeLessThanOrEqual(Date.now());
  });

  it('answers the admin API (app secrets) only on loopback', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', undefined].some(isLoopback)).toBe(false);
  });
});
