// The retry policy as a pure function: what is retried, and how long to wait.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, parseRetryAfterMs, retryDelayMs } from '../../src/box/index.js';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4 };
const half = (): number => 0.5;

describe('retryDelayMs', () => {
  it('honours Retry-After whatever the header’s case, in seconds or as a date', () => {
    expect(retryDelayMs(policy, 429, { 'retry-after': '3' }, 1)).toBe(3000);
    expect(retryDelayMs(policy, 429, { 'Retry-After': '2' }, 1)).toBe(2000);
    expect(parseRetryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
  });

  it('backs off exponentially for 5xx, resets and a 429 without Retry-After, capped', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(policy, 503, {}, a, half))).toEqual([100, 200, 400]);
    expect(retryDelayMs(policy, 0, {}, 1, half)).toBe(100);
    expect(retryDelayMs({ ...policy, maxAttempts: 10 }, 500, {}, 8, half)).toBe(1000);
  });

  it('does not retry client errors, exhausted attempts or an unreasonable Retry-After', () => {
    for (const status of [400, 403, 404, 409]) expect(retryDelayMs(policy, status, {}, 1)).toBeUndefined();
    expect(retryDelayMs(policy, 503, {}, 4)).toBeUndefined();
    expect(retryDelayMs(policy, 429, { 'retry-after': '3600' }, 1)).toBeUndefined();
  });

  it('waits on a 202 that carries Retry-After (Box still assembling an upload)', () => {
    expect(retryDelayMs(policy, 202, { 'retry-after': '1' }, 1)).toBe(1000);
    expect(retryDelayMs(policy, 202, {}, 1)).toBeUndefined();
  });
});
