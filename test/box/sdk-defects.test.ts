// Verifies, against the emulator, the box-node-sdk 10.12 defects issue 5 lists, so the
// workarounds in src/box exist for defects that are real. Each test asserts the SDK's
// actual behaviour; if an SDK upgrade fixes one, its test fails and the workaround can go.
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxApiError as SdkBoxApiError } from 'box-node-sdk/box';
import { WebhooksManager } from 'box-node-sdk/managers';
import { BoxRetryStrategy } from 'box-node-sdk/networking';
import type { FetchOptions } from 'box-node-sdk/networking';
import { postMultipartStreamed } from '../../src/box/index.js';
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
  it('postMultipartStreamed starts the request before the content has been read', async () => {
    const client = sdkClient(seed);
    const token = await client.auth.retrieveAuthorizationHeader(client.networkSession);
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
      const response = await postMultipartStreamed({
        url: `${seed.emulator.baseUrls.uploadUrl}/2.0/files/content`,
        attributes: { name: 'streamed.bin', parent: { id: seed.incoming.id } },
        content: { size: 4 * 64 * 1024, open: slowSource },
        authorization: token,
      });
      expect(response.status).toBe(201);
    } finally {
      stop();
    }
    expect(requestArrivedAt).toBeGreaterThan(0);
    expect(requestArrivedAt).toBeLessThan(streamEndedAt);
  });
});
