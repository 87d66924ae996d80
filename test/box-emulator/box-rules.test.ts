// The emulator refuses and answers what live Box refuses and answers, where aiqc's code could
// otherwise pass here and break on Box: 409 shapes, webhook rules, offset cap, trash, 202s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededEmulator } from './fixtures.js';
import { startSeededEmulator } from './fixtures.js';

let seed: SeededEmulator;
let access: string;

beforeAll(async () => {
  seed = await startSeededEmulator();
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
