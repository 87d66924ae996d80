import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBoxWebhookDelivery, verifyBoxWebhookSignature } from '../../src/box/webhook-signature.js';

const keys = { primary: 'SamplePrimaryKey', secondary: 'SampleSecondaryKey' };
// Box escapes "/" as "\/" in webhook bodies; these are the bytes it signs.
const body = Buffer.from(
  '{"type":"webhook_event","id":"e1","trigger":"FILE.UPLOADED","source":{"id":"f1","type":"file","name":"a\\/b.png"}}',
  'utf8',
);
const now = Date.parse('2026-11-23T06:27:53Z');
const timestamp = '2026-11-22T22:27:53-08:00'; // = now, written the way Box writes it

function headers(overrides: Record<string, string | undefined> = {}, signKeys = keys): Record<string, string> {
  const signed = signBoxWebhookDelivery({ body, keys: signKeys, deliveryId: 'd1', timestamp });
  const merged: Record<string, string | undefined> = { ...signed, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

describe('verifyBoxWebhookSignature', () => {
  it('signs base64 HMAC-SHA256 over the body bytes followed by the timestamp bytes', () => {
    const expected = createHmac('sha256', keys.primary).update(Buffer.concat([body, Buffer.from(timestamp)])).digest('base64');
    expect(headers()['box-signature-primary']).toBe(expected);
  });

  it('accepts the primary signature', () => {
    expect(verifyBoxWebhookSignature({ headers: headers(), body, keys, now })).toEqual({ ok: true, key: 'primary' });
  });

  it('accepts the secondary signature while the primary key is being rotated', () => {
    const sent = headers({}, { primary: 'OldPrimaryKey', secondary: keys.secondary });
    expect(verifyBoxWebhookSignature({ headers: sent, body, keys, now })).toEqual({ ok: true, key: 'secondary' });
    expect(verifyBoxWebhookSignature({ headers: sent, body, keys: { secondary: keys.secondary }, now })).toEqual({ ok: true, key: 'secondary' });
  });

  it('reads header names case-insensitively', () => {
    const upper = Object.fromEntries(Object.entries(headers()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyBoxWebhookSignature({ headers: upper, body, keys, now }).ok).toBe(true);
  });

  it('rejects a body that was re-serialised (Box\'s "\\/" escaping is lost)', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))), 'utf8');
    expect(reserialised.equals(body)).toBe(false);
    expect(verifyBoxWebhookSignature({ headers: headers(), body: reserialised, keys, now })).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('rejects a wrong key, a tampered body and garbage signatures', () => {
    expect(verifyBoxWebhookSignature({ headers: headers(), body, keys: { primary: 'nope', secondary: 'nope2' }, now })).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
    const tampered = Buffer.from(body.toString('utf8').replace('f1', 'f2'));
    expect(verifyBoxWebhookSignature({ headers: headers(), body: tampered, keys, now }).ok).toBe(false);
    const garbage = headers({ 'box-signature-primary': '%%%not base64', 'box-signature-secondary': 'c2hvcnQ=' });
    expect(verifyBoxWebhookSignature({ headers: garbage, body, keys, now })).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('enforces the 10-minute window and tolerates 2 minutes of clock skew ahead', () => {
    const at = (offsetMs: number) => verifyBoxWebhookSignature({ headers: headers(), body, keys, now: now + offsetMs });
    expect(at(9 * 60_000).ok).toBe(true);
    expect(at(10 * 60_000 + 1)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(at(-110_000).ok).toBe(true);
    expect(at(-3 * 60_000)).toMatchObject({ ok: false, reason: 'future_timestamp' });
  });

  it('rejects missing or unsupported headers and a missing key configuration', () => {
    const check = (h: Record<string, string>) => verifyBoxWebhookSignature({ headers: h, body, keys, now });
    expect(check(headers({ 'box-delivery-timestamp': undefined }))).toMatchObject({ reason: 'missing_header' });
    expect(check(headers({ 'box-signature-primary': undefined, 'box-signature-secondary': undefined }))).toMatchObject({ reason: 'missing_header' });
    expect(check(headers({ 'box-signature-version': '2' }))).toMatchObject({ reason: 'unsupported_version' });
    expect(check(headers({ 'box-signature-algorithm': 'HmacSHA1' }))).toMatchObject({ reason: 'unsupported_algorithm' });
    expect(check(headers({ 'box-delivery-timestamp': 'yesterday' }))).toMatchObject({ reason: 'bad_timestamp' });
    expect(verifyBoxWebhookSignature({ headers: headers(), body, keys: {}, now })).toMatchObject({ ok: false, reason: 'no_keys_configured' });
  });
});
