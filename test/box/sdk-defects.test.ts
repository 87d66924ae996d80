// Verifies, against the emulator, the box-node-sdk 10.12 defects issue 5 lists, so the
// workarounds in src/box exist for defects that are real. Each test asserts the SDK's
// actual behaviour; if an SDK upgrade fixes one, its test fails and the workaround can go.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxApiError as SdkBoxApiError } from 'box-node-sdk/box';
import { WebhooksManager } from 'box-node-sdk/managers';
import { BoxRetryStrategy } from 'box-node-sdk/networking';
import type { FetchOptions } from 'box-node-sdk/networking';
import { fileContent, postMultipartStreamed } from '../../src/box/streaming-upload.js';
import type { SeededEmulator } from '../box-emulator/fixtures.js';
import { sdkClient, startSeededEmulator } from '../box-emulator/fixtures.js';

let seed: SeededEmulator;
beforeAll(async () => {
  seed = await startSeededEmulator();
});
afterAll(async () => {
  await seed.close();
});

describe('box-node-sdk 10.12 defects (verified against the emulator)', () => {
  it('REAL: ignores Retry-After, because it looks the header up as "Retry-After" and fetch lower-cases names', async () => {
    // Zero backoff: if the SDK honoured the 1 s Retry-After the call would take ≥ 1 s.
    const client = sdkClient(seed, new BoxRetryStrategy({ retryBaseInterval: 0 }));
    await client.users.getUserMe();
    seed.emulator.admin.injectFault({ path: '/2.0/users/me', status: 429, retryAfter: 1 });
    const started = Date.now();
    await client.users.getUserMe();
    expect(Date.now() - started).toBeLessThan(700);
    const strategy = new BoxRetryStrategy({ retryBaseInterval: 0 });
    const options = {} as FetchOptions;
    expect(strategy.retryAfter(options, { status: 429, headers: { 'retry-after': '7' } }, 1)).toBe(0);
    expect(strategy.retryAfter(options, { status: 429, headers: { 'Retry-After': '7' } }, 1)).toBe(7);
  });

  it('REAL: wraps error codes in extra quotes (responseInfo.code is JSON-stringified)', async () => {
    const client = sdkClient(seed);
    const err = await client.folders.getFolderById('987654321').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdkBoxApiError);
    const info = (err as SdkBoxApiError).responseInfo;
    expect(info.code).toBe('"not_found"');
    expect(info.requestId).toMatch(/^"/);
    expect((info.body as { code: string }).code).toBe('not_found');
  });

  it('REAL: uploads.uploadFile reads the whole stream into memory before sending a byte', async () => {
    const client = sdkClient(seed);
    let streamEndedAt = 0;
    let requestArrivedAt = 0;
    const stop = seed.emulator.onRequest((info) => {
      if (info.method === 'POST' && info.path === '/api/2.0/files/content') requestArrivedAt = info.receivedAt;
    });
    async function* slowSource(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 4; i += 1) {
        await sleep(100);
        yield Buffer.alloc(64 * 1024, i);
      }
      streamEndedAt = Date.now();
    }
    try {
      await client.uploads.uploadFile({ attributes: { name: 'buffered.bin', parent: { id: seed.incoming.id } }, file: Readable.from(slowSource()) });
    } finally {
      stop();
    }
    expect(streamEndedAt).toBeGreaterThan(0);
    expect(requestArrivedAt).toBeGreaterThanOrEqual(streamEndedAt);
  });

  it('REAL: WebhooksManager.validateMessage rejects a correctly signed delivery stamped a few seconds ahead', async () => {
    const key = 'primary-signature-key';
    const body = JSON.stringify({ type: 'webhook_event', trigger: 'FILE.UPLOADED' });
    const sign = (timestamp: string): Record<string, string> => ({
      'box-delivery-timestamp': timestamp,
      'box-signature-version': '1',
      'box-signature-algorithm': 'HmacSHA256',
      'box-signature-primary': createHmac('sha256', key).update(body).update(timestamp).digest('base64'),
    });
    const stamp = (offsetS: number): string => new Date(Date.now() + offsetS * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    expect(await WebhooksManager.validateMessage(body, sign(stamp(-5)), key, { maxAge: 600 })).toBe(true);
    expect(await WebhooksManager.validateMessage(body, sign(stamp(5)), key, { maxAge: 600 })).toBe(false);
  });
});

describe('the workaround for the uploadFile buffering', () => {
  // The upload reads the file in libuv's thread pool, out of reach of any JS hook, so the test
  // reads the kernel's own count of bytes this process has read (`rchar` in /proc/self/io) at
  // the moment the emulator (in this process) sees the request's headers arrive.
  const bytesReadByProcess = (): number => Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
  const SIZE = 64 * 1024 * 1024;
  let dir: string;
  let path: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aiqc-upload-'));
    path = join(dir, 'big.bin');
    writeFileSync(path, Buffer.alloc(SIZE, 7));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Upload `file` with postMultipartStreamed; bytes this process had read when the request arrived. */
  async function readBeforeRequestArrived(file: () => Promise<Blob>): Promise<number> {
    const client = sdkClient(seed);
    const token = await client.auth.retrieveAuthorizationHeader(client.networkSession);
    let readAtArrival = -1;
    const stop = seed.emulator.onRequest((info) => {
      if (info.method === 'POST' && info.path === '/api/2.0/files/content') readAtArrival = bytesReadByProcess();
    });
    const before = bytesReadByProcess();
    try {
      const response = await postMultipartStreamed({
        url: `${seed.emulator.baseUrls.uploadUrl}/2.0/files/content`,
        attributes: { name: `streamed-${randomUUID()}.bin`, parent: { id: seed.incoming.id } },
        file: await file(),
        authorization: token,
        // A fresh connection each time: a kept-alive one can be closed by the emulator just as
        // the next test reuses it on this loaded event loop (ECONNRESET, nothing to do with this).
        extraHeaders: { connection: 'close' },
      });
      expect(response.status).toBe(201);
      expect((response.body as { entries: { size: number }[] }).entries[0]?.size).toBe(SIZE);
    } finally {
      stop();
    }
    expect(readAtArrival).toBeGreaterThan(0);
    return readAtArrival - before;
  }

  it('postMultipartStreamed starts the request before the file has been read (FormData + fs.openAsBlob)', async () => {
    // At most the socket buffers' worth of the 64 MiB file has been read when Box sees the
    // request (measured: ~130 KB; reading the file first: ~67 MB).
    expect(await readBeforeRequestArrived(() => fileContent(path))).toBeLessThan(8 * 1024 * 1024);
  });

  it('the measure sees an upload that reads the file first', async () => {
    // The same upload with the file read into memory before the request: the count says so.
    expect(await readBeforeRequestArrived(async () => new Blob([await readFile(path)]))).toBeGreaterThanOrEqual(SIZE);
  });
});
