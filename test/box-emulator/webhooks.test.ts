// Webhook deliveries as Box sends them, including the quirks aiqc must survive: sub-folders
// are watched too, a move into a watched folder fires FILE.UPLOADED, retries keep the payload
// id under a new delivery id, and bodies use PHP-style `\/` escaping.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhooksManager } from 'box-node-sdk/managers';
import type { BoxClient } from 'box-node-sdk';
import type { SeededEmulator } from './fixtures.js';
import { sdkClient, startSeededEmulator } from './fixtures.js';
import type { WebhookReceiver } from './receiver.js';
import { startReceiver } from './receiver.js';

const PRIMARY = 'primary-key-0123456789';
const SECONDARY = 'secondary-key-9876543210';

let seed: SeededEmulator;
let client: BoxClient;
let receiver: WebhookReceiver;
let webhookId: string;

beforeAll(async () => {
  seed = await startSeededEmulator({ webhookRetry: { delaysMs: [20], timeoutMs: 2000, maxAttempts: 3 } });
  client = sdkClient(seed);
  receiver = await startReceiver();
  seed.emulator.admin.setSignatureKeys(seed.clientId, { primary: PRIMARY, secondary: SECONDARY });
  const webhook = await client.webhooks.createWebhook({
    target: { id: seed.incoming.id, type: 'folder' },
    address: receiver.url,
    triggers: ['FILE.UPLOADED'],
  });
  webhookId = webhook.id ?? '';
});
afterAll(async () => {
  await seed.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.script.length = 0;
});

const hmac = (key: string, body: Buffer, timestamp: string): string =>
  createHmac('sha256', key).update(body).update(Buffer.from(timestamp)).digest('base64');

describe('emulator webhook deliveries', () => {
  it('signs FILE.UPLOADED with both keys over body bytes + timestamp and Box’s headers', async () => {
    const studio = seed.emulator.admin.createUser({ name: 'Studio A/B', login: 'studio@example.com' });
    const file = seed.emulator.admin.uploadAs({ userId: studio.id, folderId: seed.incoming.id, name: 'Spot 30s é.mp4', content: 'x' });
    await seed.emulator.admin.waitForDeliveries();
    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0]!;
    const timestamp = String(headers['box-delivery-timestamp']);
    expect(headers['box-signature-version']).toBe('1');
    expect(headers['box-signature-algorithm']).toBe('HmacSHA256');
    expect(headers['box-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['box-signature-primary']).toBe(hmac(PRIMARY, body, timestamp));
    expect(headers['box-signature-secondary']).toBe(hmac(SECONDARY, body, timestamp));
    const text = body.toString('utf8');
    // PHP's json_encode: slashes and non-ASCII escaped.
    expect(text).toContain('"name":"Studio A\\/B"');
    expect(text).toContain('Spot 30s \\u00e9.mp4');
    expect(text).not.toContain('é');
    const payload = JSON.parse(text) as { type: string; trigger: string; webhook: { id: string }; source: { id: string; type: string; parent: { id: string } } };
    expect(payload).toMatchObject({ type: 'webhook_event', trigger: 'FILE.UPLOADED', webhook: { id: webhookId } });
    expect(payload.source).toMatchObject({ type: 'file', id: file.id, parent: { id: seed.incoming.id } });
    // As in Box's own payloads: an unshared file says shared_link: null (not absent).
    expect(payload.source).toHaveProperty('shared_link', null);
    // The official SDK verifies it too (its own escaping variant included).
    const ok = await WebhooksManager.validateMessage(text, headers as Record<string, string>, PRIMARY, { secondaryKey: SECONDARY, maxAge: 600 });
    expect(ok).toBe(true);
  });

  it('watches sub-folders and fires on a move into the watched tree', async () => {
    const sub = seed.emulator.admin.createFolder({ name: 'Week 47', parentId: seed.incoming.id, ownerId: seed.owner.id });
    const outside = seed.emulator.admin.createFolder({ name: 'Staging', ownerId: seed.owner.id });
    const deep = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: sub.id, name: 'deep.png', content: 'png' });
    const staged = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: outside.id, name: 'staged.pdf', content: 'pdf' });
    await seed.emulator.admin.waitForDeliveries();
    expect(receiver.received).toHaveLength(1);
    seed.emulator.admin.moveAs({ userId: seed.owner.id, fileId: staged.id, parentId: seed.incoming.id });
    await seed.emulator.admin.waitForDeliveries();
    const sources = receiver.received.map((d) => (JSON.parse(d.body.toString()) as { source: { id: string } }).source.id);
    expect(sources).toEqual([deep.id, staged.id]);
  });

  it('retries a failed delivery with the same payload id and a new delivery id', async () => {
    receiver.script.push(500, 503);
    seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'retry.jpg', content: 'jpg' });
    await seed.emulator.admin.waitForDeliveries();
    expect(receiver.received).toHaveLength(3);
    const payloadIds = receiver.received.map((d) => (JSON.parse(d.body.toString()) as { id: string }).id);
    const deliveryIds = receiver.received.map((d) => d.headers['box-delivery-id']);
    expect(new Set(payloadIds).size).toBe(1);
    expect(new Set(deliveryIds).size).toBe(3);
    const attempts = seed.emulator.admin.deliveries().filter((a) => a.payloadId === payloadIds[0]);
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
  });

  it('gives up after maxAttempts and sends no signature headers once keys are removed', async () => {
    receiver.script.push(500, 500, 500, 500);
    seed.emulator.admin.setSignatureKeys(seed.clientId, { primary: null, secondary: null });
    try {
      seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'giveup.jpg', content: 'jpg' });
      await seed.emulator.admin.waitForDeliveries();
      expect(receiver.received).toHaveLength(3);
      expect(receiver.received[0]?.headers['box-signature-primary']).toBeUndefined();
    } finally {
      seed.emulator.admin.setSignatureKeys(seed.clientId, { primary: PRIMARY, secondary: SECONDARY });
    }
  });

  it('fires for a new version uploaded through the API', async () => {
    const file = seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'versioned.wav', content: 'v1' });
    await seed.emulator.admin.waitForDeliveries();
    seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'versioned.wav', content: 'v2' });
    await seed.emulator.admin.waitForDeliveries();
    const versions = receiver.received.map((d) => (JSON.parse(d.body.toString()) as { source: { id: string; file_version: { id: string } } }).source);
    expect(versions.map((s) => s.id)).toEqual([file.id, file.id]);
    expect(versions[0]?.file_version.id).not.toBe(versions[1]?.file_version.id);
  });
});
