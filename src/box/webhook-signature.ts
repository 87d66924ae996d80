import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Box webhook signature verification (DESIGN §6), a pure function of the request.
 *
 * Box signs every delivery twice: `BOX-SIGNATURE-PRIMARY` with the app's primary key and
 * `BOX-SIGNATURE-SECONDARY` with the secondary key, each the base64 HMAC-SHA256 of the raw body
 * bytes followed by the `BOX-DELIVERY-TIMESTAMP` header's bytes. A delivery is genuine when
 * either configured key reproduces its own header — which is what lets an admin rotate one key
 * while the other keeps working. The body must be the bytes as received: Box escapes "/" as
 * "\/", so re-serialised JSON does not verify.
 */

export interface WebhookKeys {
  primary?: string | undefined;
  secondary?: string | undefined;
}

export type SignatureFailure =
  | 'no_keys_configured'
  | 'missing_header'
  | 'unsupported_version'
  | 'unsupported_algorithm'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'signature_mismatch';

export type SignatureCheck =
  | { ok: true; key: 'primary' | 'secondary' }
  | { ok: false; reason: SignatureFailure; message: string };

export const MAX_DELIVERY_AGE_MS = 10 * 60_000;
/** Box's clock may run a little ahead of ours. */
export const MAX_CLOCK_SKEW_AHEAD_MS = 2 * 60_000;

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

export function computeBoxSignature(body: Uint8Array, timestamp: string, key: string): string {
  return createHmac('sha256', key).update(body).update(Buffer.from(timestamp, 'utf8')).digest('base64');
}

function signatureMatches(body: Uint8Array, timestamp: string, key: string, received: string | undefined): boolean {
  if (!received) return false;
  const expected = createHmac('sha256', key).update(body).update(Buffer.from(timestamp, 'utf8')).digest();
  const given = Buffer.from(received.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function verifyBoxWebhookSignature(input: {
  headers: Headers;
  /** The request body exactly as received. */
  body: Uint8Array;
  keys: WebhookKeys;
  /** Epoch ms. */
  now: number;
  maxAgeMs?: number;
  maxSkewAheadMs?: number;
}): SignatureCheck {
  const { headers, body, keys, now } = input;
  const primaryKey = keys.primary || undefined;
  const secondaryKey = keys.secondary || undefined;
  if (!primaryKey && !secondaryKey) {
    return { ok: false, reason: 'no_keys_configured', message: 'no webhook keys configured: set BOX_WEBHOOK_PRIMARY_KEY and BOX_WEBHOOK_SECONDARY_KEY' };
  }
  const version = header(headers, 'box-signature-version');
  const algorithm = header(headers, 'box-signature-algorithm');
  const timestamp = header(headers, 'box-delivery-timestamp');
  const primary = header(headers, 'box-signature-primary');
  const secondary = header(headers, 'box-signature-secondary');
  if (!version || !algorithm || !timestamp || (!primary && !secondary)) {
    return { ok: false, reason: 'missing_header', message: 'BOX-SIGNATURE-VERSION, BOX-SIGNATURE-ALGORITHM, BOX-DELIVERY-TIMESTAMP and a BOX-SIGNATURE-* header are required' };
  }
  if (version.trim() !== '1') return { ok: false, reason: 'unsupported_version', message: `unsupported BOX-SIGNATURE-VERSION ${JSON.stringify(version)}` };
  if (algorithm.trim() !== 'HmacSHA256') {
    return { ok: false, reason: 'unsupported_algorithm', message: `unsupported BOX-SIGNATURE-ALGORITHM ${JSON.stringify(algorithm)}` };
  }
  const sentAt = Date.parse(timestamp);
  if (Number.isNaN(sentAt)) return { ok: false, reason: 'bad_timestamp', message: 'BOX-DELIVERY-TIMESTAMP is not a date' };
  if (now - sentAt > (input.maxAgeMs ?? MAX_DELIVERY_AGE_MS)) {
    return { ok: false, reason: 'stale_timestamp', message: `delivery timestamp ${timestamp} is older than ${Math.round((input.maxAgeMs ?? MAX_DELIVERY_AGE_MS) / 60_000)} minutes` };
  }
  if (sentAt - now > (input.maxSkewAheadMs ?? MAX_CLOCK_SKEW_AHEAD_MS)) {
    return { ok: false, reason: 'future_timestamp', message: `delivery timestamp ${timestamp} is too far in the future` };
  }
  if (primaryKey && signatureMatches(body, timestamp, primaryKey, primary)) return { ok: true, key: 'primary' };
  if (secondaryKey && signatureMatches(body, timestamp, secondaryKey, secondary)) return { ok: true, key: 'secondary' };
  return { ok: false, reason: 'signature_mismatch', message: 'signature does not match the body under either webhook key' };
}

/**
 * The headers Box sends with a delivery (for the emulator, tests and benchmarks). Box formats
 * the timestamp as RFC 3339 with an offset.
 */
export function signBoxWebhookDelivery(input: {
  body: Uint8Array | string;
  keys: WebhookKeys;
  deliveryId: string;
  /** Epoch ms (default now). */
  at?: number;
  /** Exact timestamp text to sign and send (overrides `at`). */
  timestamp?: string;
}): Record<string, string> {
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  const timestamp = input.timestamp ?? new Date(input.at ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const headers: Record<string, string> = {
    'box-delivery-id': input.deliveryId,
    'box-delivery-timestamp': timestamp,
    'box-signature-algorithm': 'HmacSHA256',
    'box-signature-version': '1',
  };
  if (input.keys.primary) headers['box-signature-primary'] = computeBoxSignature(body, timestamp, input.keys.primary);
  if (input.keys.secondary) headers['box-signature-secondary'] = computeBoxSignature(body, timestamp, input.keys.secondary);
  return headers;
}
