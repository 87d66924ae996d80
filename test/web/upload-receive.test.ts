// The console's upload receiver (src/web/upload-receive.ts, @fastify/multipart) streams a big
// upload to disk: a ~200 MB multipart body sent over real HTTP, itself generated as it is sent,
// lands on disk byte for byte while the memory this process keeps alive grows by a small
// fraction of the file (issue 18: "a 2 GB upload into the console streamed, never buffered";
// `npm run bench:big-file` runs the 2 GB case).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveUpload } from '../../src/web/upload-receive.js';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;

let app: FastifyInstance;
let dataDir: string;
let url: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'aiqc-upload-'));
  app = Fastify();
  await app.register(fastifyMultipart);
  app.post('/upload', async (request) => {
    const upload = await receiveUpload(request, { dataDir, maxBytes: 512 * MiB });
    return { ...upload, size: (await stat(upload.tempPath)).size };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/upload`;
});
afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A multipart body of `size` bytes of file content, generated as it is read; its SHA-1 once sent. */
function streamedMultipart(size: number): { body: Readable; boundary: string; length: number; sha1: () => string } {
  const boundary = `test-${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="client"\r\n\r\nacme\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="master.mov"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha1');
  // 64 KiB chunks: Readable.from queues up to 16 of them ahead of the socket by design.
  const CHUNK = 64 * 1024;
  const block = randomBytes(CHUNK);
  async function* chunks(): AsyncGenerator<Buffer> {
    yield head;
    for (let sent = 0, i = 0; sent < size; sent += CHUNK, i += 1) {
      // A different chunk each time (the counter in the first bytes), so a mixed-up copy fails the hash.
      const chunk = Buffer.from(block.subarray(0, Math.min(CHUNK, size - sent)));
      chunk.writeUInt32BE(i, 0);
      hash.update(chunk);
      yield chunk;
    }
    yield tail;
  }
  return {
    body: Readable.from(chunks()),
    boundary,
    length: head.length + size + tail.length,
    sha1: () => hash.digest('hex'),
  };
}

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// Garbage, not held data, is what RSS mostly shows while 200 MB flows through one process
// (a fresh 1 MiB Buffer per chunk here, 64 KiB socket reads there): V8 collects it when it
// pleases. So the sampler forces a full collection and reads what is still alive in the
// ArrayBuffers behind Buffers, where file bytes live. A receiver that held the file would
// keep it alive there (≥ 200 MB); streamed, only the chunks in flight are.
// Two collections, not one: V8 frees the memory of dead ArrayBuffers on a background thread
// after a collection, and the next collection first waits for that. On a busy machine (CI, with
// other suites beside this one) a single gc() left 30–57 MiB of already-dead chunks counted;
// the second gc() brought the same sample to 0.3 MiB.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const liveBytes = (): number => {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
};

describe('console upload receiver', () => {
  it('streams a 200 MB upload to disk, never holding more than a few MB of it', async () => {
    const baseline = liveBytes();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, liveBytes());
    }, 250);
    const upload = streamedMultipart(SIZE);
    let status: number | undefined;
    let text = '';
    try {
      // node:http, not fetch: Node 24's fetch does not wait for the socket to drain, so within
      // one process it queues the whole request body in memory (measured: ~all 200 MB live).
      const request = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${upload.boundary}`, 'content-length': String(upload.length) },
      });
      const answered = new Promise<void>((resolve, reject) => {
        request.on('response', (response) => {
          status = response.statusCode;
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', resolve);
        });
        request.on('error', reject);
      });
      await pipeline(upload.body, request);
      await answered;
    } finally {
      clearInterval(sampler);
    }
    expect(status).toBe(200);
    const received = JSON.parse(text) as { tempPath: string; fileName: string; fields: Record<string, string>; size: number };
    expect(received).toMatchObject({ fileName: 'master.mov', fields: { client: 'acme' }, size: SIZE });
    expect(await sha1OfFile(received.tempPath)).toBe(upload.sha1());
    expect((peak - baseline) / MiB).toBeLessThan(8);
  });
});
