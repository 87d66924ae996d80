// File content lives on disk, not in the emulator's memory: an upload is streamed to the blob
// directory while it arrives (SHA-1 computed chunk by chunk), chunked sessions keep their parts
// on disk, state files hold metadata only (old ones with base64 content still load), and
// oversized JSON gets Box's 413. Real HTTP against a running emulator throughout.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore, HashingCounter } from '../../src/box-emulator/blobs.js';
import { startBoxEmulator } from '../../src/box-emulator/index.js';
import type { SeededEmulator } from './fixtures.js';
import { startSeededEmulator } from './fixtures.js';

const MiB = 1024 * 1024;

async function serviceToken(seed: SeededEmulator): Promise<string> {
  const response = await fetch(`${seed.emulator.baseUrls.oauth2Url.replace(/\/api\/oauth2$/, '')}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
      box_subject_type: 'enterprise',
      box_subject_id: seed.enterpriseId,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Bytes under the blob directory's staging area (uploads in flight). */
function stagedBytes(blobDir: string): number {
  const staging = join(blobDir, '.staging');
  if (!existsSync(staging)) return 0;
  return readdirSync(staging).reduce((sum, name) => sum + statSync(join(staging, name)).size, 0);
}

describe('emulator content on disk', () => {
  let seed: SeededEmulator;
  let token: string;
  beforeAll(async () => {
    seed = await startSeededEmulator({ chunkedUploadMinBytes: 1000, chunkedUploadPartBytes: 4 * MiB });
    token = await serviceToken(seed);
  });
  afterAll(async () => seed.close());

  it('streams a 200 MB multipart upload to disk as it arrives; memory grows far less than the upload', async () => {
    const total = 200 * 1000 * 1000;
    const chunk = Buffer.alloc(MiB, 7);
    const boundary = 'emu-stream-boundary';
    const hash = createHash('sha1');
    let sent = 0;
    let stagedMidway = 0;
    let peakRss = process.memoryUsage().rss;
    const rssBefore = peakRss;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="attributes"\r\n\r\n${JSON.stringify({ name: 'big.bin', parent: { id: seed.incoming.id } })}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const emulator = seed.emulator;
    async function* body(): AsyncGenerator<Buffer> {
      yield head;
      while (sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        hash.update(piece);
        sent += piece.length;
        yield piece;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (sent >= total * 0.75 && stagedMidway === 0) {
          // Give the emulator a moment to write what it has received, then look on disk.
          await new Promise((resolve) => setTimeout(resolve, 200));
          stagedMidway = stagedBytes(emulator.blobDir);
        }
      }
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const response = await fetch(`${emulator.baseUrls.uploadUrl}/2.0/files/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(201);
    const file = ((await response.json()) as { entries: Array<{ id: string; size: number; sha1: string }> }).entries[0]!;
    const digest = hash.digest('hex');
    expect(file).toMatchObject({ size: total, sha1: digest });
    // While the request was still being sent, most of what had arrived was already a file on disk.
    expect(stagedMidway).toBeGreaterThan(total * 0.5);
    const versionId = emulator.admin.state.files.get(file.id)!.versions.at(-1)!.id;
    expect(statSync(join(emulator.blobDir, versionId)).size).toBe(total);
    expect(stagedBytes(emulator.blobDir)).toBe(0);
    // Buffered, the body alone is 200 MB (the old emulator also concatenated it: 400 MB). Generous bound.
    expect(peakRss - rssBefore).toBeLessThan(120 * 1000 * 1000);
  }, 120_000);

  it('keeps upload-session parts on disk and assembles the commit there, hashing as it writes', async () => {
    const content = Buffer.alloc(9 * MiB + 123);
    for (let i = 0; i < content.length; i += 4096) content[i] = i % 251;
    const api = seed.emulator.baseUrls.uploadUrl;
    const auth = { authorization: `Bearer ${token}` };
    const created = await fetch(`${api}/2.0/files/upload_sessions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ folder_id: seed.incoming.id, file_name: 'session.bin', file_size: content.length }),
    });
    expect(created.status).toBe(201);
    const session = (await created.json()) as { id: string; part_size: number };
    const parts: unknown[] = [];
    for (let offset = 0; offset < content.length; offset += session.part_size) {
      const piece = content.subarray(offset, Math.min(offset + session.part_size, content.length));
      const answer = await fetch(`${api}/2.0/files/upload_sessions/${session.id}`, {
        method: 'PUT',
        headers: {
          ...auth,
          'content-range': `bytes ${offset}-${offset + piece.length - 1}/${content.length}`,
          digest: `sha=${createHash('sha1').update(piece).digest('base64')}`,
        },
        body: piece,
      });
      expect(answer.status).toBe(200);
      parts.push(((await answer.json()) as { part: unknown }).part);
    }
    expect(stagedBytes(seed.emulator.blobDir)).toBe(content.length);
    const oversized = await fetch(`${api}/2.0/files/upload_sessions/${session.id}`, {
      method: 'PUT',
      headers: { ...auth, 'content-range': `bytes 0-${session.part_size}/${content.length}`, digest: 'sha=x' },
      body: Buffer.alloc(session.part_size + 1),
    });
    expect(oversized.status).toBe(416);
    const commit = await fetch(`${api}/2.0/files/upload_sessions/${session.id}/commit`, {
      method: 'POST',
      headers: { ...auth, digest: `sha=${createHash('sha1').update(content).digest('base64')}` },
      body: JSON.stringify({ parts }),
    });
    expect(commit.status).toBe(201);
    const file = ((await commit.json()) as { entries: Array<{ id: string; sha1: string }> }).entries[0]!;
    expect(file.sha1).toBe(createHash('sha1').update(content).digest('hex'));
    const versionId = seed.emulator.admin.state.files.get(file.id)!.versions.at(-1)!.id;
    expect(readFileSync(join(seed.emulator.blobDir, versionId)).equals(content)).toBe(true);
    expect(stagedBytes(seed.emulator.blobDir)).toBe(0);
  });

  it('removes the staged file when the client gives up halfway through an upload', async () => {
    const boundary = 'emu-abort-boundary';
    const controller = new AbortController();
    const blobDir = seed.emulator.blobDir;
    const filesBefore = seed.emulator.admin.state.files.size;
    let stagedMidway = 0;
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="attributes"\r\n\r\n${JSON.stringify({ name: 'abandoned.bin', parent: { id: seed.incoming.id } })}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="abandoned.bin"\r\n\r\n`,
      );
      for (let sent = 0; sent < 20 * MiB; sent += MiB) yield Buffer.alloc(MiB, 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      stagedMidway = stagedBytes(blobDir);
      controller.abort();
    }
    const outcome = await fetch(`${seed.emulator.baseUrls.uploadUrl}/2.0/files/content`, {
      method: 'POST',
      signal: controller.signal,
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream,
      duplex: 'half',
    } as RequestInit).then(
      () => 'answered',
      (err: Error) => err.name,
    );
    expect(outcome).toBe('AbortError');
    expect(stagedMidway).toBeGreaterThan(10 * MiB);
    await expect.poll(() => stagedBytes(blobDir)).toBe(0);
    expect(seed.emulator.admin.state.files.size).toBe(filesBefore);
  });

  it("answers a JSON body over the limit with Box's 413 and keeps nothing", async () => {
    const response = await fetch(`${seed.emulator.url}/2.0/folders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'x'.repeat(17 * MiB), parent: { id: '0' } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: 'error', status: 413, code: 'request_entity_too_large' });
  });
});

describe('SHA-1 while streaming', () => {
  it('hashes chunk by chunk (no single update of the whole content) and stops past the limit', async () => {
    const store = BlobStore.temporary();
    try {
      const chunks = [Buffer.alloc(64 * 1024, 1), Buffer.alloc(64 * 1024, 2), Buffer.alloc(1000, 3)];
      const updates: number[] = [];
      const realUpdate = HashingCounter.prototype._transform;
      HashingCounter.prototype._transform = function (this: HashingCounter, chunk: Buffer, encoding, callback) {
        updates.push(chunk.length);
        realUpdate.call(this, chunk, encoding, callback);
      };
      let staged;
      try {
        staged = await store.stage(Readable.from(chunks));
      } finally {
        HashingCounter.prototype._transform = realUpdate;
      }
      expect(staged.sha1).toBe(createHash('sha1').update(Buffer.concat(chunks)).digest('hex'));
      expect(staged.size).toBe(2 * 64 * 1024 + 1000);
      expect(Math.max(...updates)).toBeLessThanOrEqual(64 * 1024);
      expect(updates.length).toBeGreaterThanOrEqual(3);
      await expect(store.stage(Readable.from(chunks), 100_000)).rejects.toMatchObject({ code: 'body_too_large' });
      expect(readdirSync(join(store.dir, '.staging')).length).toBe(1);
    } finally {
      store.close();
    }
  });
});

describe('state files', () => {
  it('loads a version-1 state file with base64 content, moves the content to the blob directory and saves metadata only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiqc-emu-v1-'));
    try {
      const first = await startBoxEmulator();
      const owner = first.admin.createUser({ name: 'Old State' });
      const folder = first.admin.createFolder({ name: 'Kept', ownerId: owner.id });
      const file = first.admin.uploadAs({ userId: owner.id, folderId: folder.id, name: 'old.txt', content: 'from a version-1 file' });
      const versionId = file.versions[0]!.id;
      const state = first.admin.state;
      // A state file as the emulator before this change wrote it: content embedded as base64.
      const v1 = {
        format: 'aiqc-box-emulator-state',
        version: 1,
        enterpriseId: state.enterpriseId,
        nextId: state.nextId,
        users: [...state.users.values()],
        apps: [...state.apps.values()],
        folders: [...state.folders.values()],
        files: [...state.files.values()],
        blobs: { [versionId]: Buffer.from('from a version-1 file').toString('base64') },
        collaborations: [...state.collaborations.values()],
        webhooks: [],
      };
      const firstBlobDir = first.blobDir;
      await first.close();
      expect(existsSync(firstBlobDir)).toBe(false);
      const statePath = join(dir, 'state.json');
      writeFileSync(statePath, JSON.stringify(v1));

      const second = await startBoxEmulator({ statePath });
      expect(second.blobDir).toBe(`${statePath}.blobs`);
      expect(readFileSync(join(second.blobDir, versionId), 'utf8')).toBe('from a version-1 file');
      expect(second.admin.state.blobs.get(versionId)?.toString('utf8')).toBe('from a version-1 file');
      await second.close();
      const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { version: number; blobs?: unknown };
      expect(saved.version).toBe(2);
      expect(saved.blobs).toBeUndefined();
      expect(existsSync(join(`${statePath}.blobs`, versionId))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
