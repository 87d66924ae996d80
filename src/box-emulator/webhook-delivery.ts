// Signed webhook deliveries the way Box sends them: PHP-style escaped JSON body, Box's
// headers, HMAC-SHA256 over body bytes + timestamp bytes, and retries of the same payload
// (same `id`) under a new BOX-DELIVERY-ID until a 2xx arrives or the tries run out.
import { createHmac, randomUUID } from 'node:crypto';

export interface WebhookRetryOptions {
  /** Total tries including the first (Box: 12). */
  maxAttempts?: number;
  /** Wait before try n+1 (index n-1); the last value repeats. Box spreads 12 tries over ~2 hours. */
  delaysMs?: number[];
  /** A try that has no 2xx within this time has failed (Box: 30 s). */
  timeoutMs?: number;
}

export const BOX_WEBHOOK_RETRY: Required<WebhookRetryOptions> = {
  maxAttempts: 12,
  delaysMs: [60_000, 120_000, 300_000, 600_000, 900_000, 900_000, 900_000, 900_000, 900_000, 900_000, 900_000],
  timeoutMs: 30_000,
};

export interface DeliveryAttempt {
  deliveryId: string;
  payloadId: string;
  webhookId: string;
  address: string;
  trigger: string;
  attempt: number;
  timestamp: string;
  headers: Record<string, string>;
  body: string;
  /** HTTP status of the receiver's answer; absent when the try failed without one. */
  status?: number;
  error?: string;
  ok: boolean;
  startedAt: string;
  finishedAt?: string;
}

export interface SignatureKeys {
  primary?: string;
  secondary?: string;
}

/** JSON as PHP's json_encode writes it: `/` as `\/` and non-ASCII as \uXXXX. */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function signDelivery(body: string, timestamp: string, key: string): string {
  return createHmac('sha256', key).update(Buffer.from(body, 'utf8')).update(Buffer.from(timestamp, 'utf8')).digest('base64');
}

export function deliveryHeaders(body: string, timestamp: string, deliveryId: string, keys: SignatureKeys): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=UTF-8',
    'user-agent': 'Box-WH-Client/0.1',
    'box-delivery-id': deliveryId,
    'box-delivery-timestamp': timestamp,
  };
  // Box adds the signature headers only once the app has signature keys.
  if (keys.primary || keys.secondary) {
    headers['box-signature-version'] = '1';
    headers['box-signature-algorithm'] = 'HmacSHA256';
    if (keys.primary) headers['box-signature-primary'] = signDelivery(body, timestamp, keys.primary);
    if (keys.secondary) headers['box-signature-secondary'] = signDelivery(body, timestamp, keys.secondary);
  }
  return headers;
}

export interface QueuedDelivery {
  webhookId: string;
  address: string;
  trigger: string;
  payload: Record<string, unknown>;
  keys: () => SignatureKeys;
}

/** Runs deliveries in the background; `close()` cancels pending retries and in-flight tries. */
export class WebhookDispatcher {
  readonly attempts: DeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  private readonly idle: Array<() => void> = [];
  private pending = 0;
  private closed = false;
  private readonly options: Required<WebhookRetryOptions>;

  constructor(options: WebhookRetryOptions = {}) {
    this.options = { ...BOX_WEBHOOK_RETRY, ...options };
  }

  enqueue(delivery: QueuedDelivery): string {
    const payloadId = randomUUID();
    const payload = { type: 'webhook_event', id: payloadId, ...delivery.payload };
    this.pending += 1;
    this.scheduleTry(delivery, payload, payloadId, 1, 0);
    return payloadId;
  }

  /** Resolves once every queued delivery has succeeded or exhausted its tries. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inflight) controller.abort();
    this.pending = 0;
    this.flushIdle();
  }

  private flushIdle(): void {
    if (this.pending > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private scheduleTry(delivery: QueuedDelivery, payload: Record<string, unknown>, payloadId: string, attempt: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.tryOnce(delivery, payload, payloadId, attempt);
    }, delayMs);
    this.timers.add(timer);
  }

  private async tryOnce(delivery: QueuedDelivery, payload: Record<string, unknown>, payloadId: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const deliveryId = randomUUID();
    const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const body = phpJsonEncode(payload);
    const headers = deliveryHeaders(body, timestamp, deliveryId, delivery.keys());
    const record: DeliveryAttempt = {
      deliveryId,
      payloadId,
      webhookId: delivery.webhookId,
      address: delivery.address,
      trigger: delivery.trigger,
      attempt,
      timestamp,
      headers,
      body,
      ok: false,
      startedAt: new Date().toISOString(),
    };
    this.attempts.push(record);
    const controller = new AbortController();
    this.inflight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const response = await fetch(delivery.address, { method: 'POST', headers, body, signal: controller.signal, redirect: 'manual' });
      record.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      record.ok = response.status >= 200 && response.status < 300;
      if (!record.ok) record.error = `receiver answered ${response.status}`;
    } catch (err) {
      record.error = controller.signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : (err as Error).message;
    } finally {
      clearTimeout(timeout);
      this.inflight.delete(controller);
      record.finishedAt = new Date().toISOString();
    }
    if (this.closed) return;
    if (!record.ok && attempt < this.options.maxAttempts) {
      const delays = this.options.delaysMs;
      const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
      this.scheduleTry(delivery, payload, payloadId, attempt + 1, delay);
      return;
    }
    this.pending -= 1;
    this.flushIdle();
  }
}
