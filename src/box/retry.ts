// The one retry policy for every Box call aiqc makes: 429 honours Retry-After (read
// case-insensitively — box-node-sdk 10.12 looks for "Retry-After" in a lower-cased header map
// and never finds it), 5xx and lost connections back off exponentially with jitter.
import type { Authentication, FetchOptions, FetchResponse, NetworkSession, RetryStrategy } from 'box-node-sdk/networking';
import type { BoxLogger } from './logger.js';

export interface RetryPolicy {
  /** Tries in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error surfaces and the job retries later. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Retry-After in milliseconds from seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(headers: Record<string, string | undefined>, nowMs = Date.now()): number | undefined {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after');
  const raw = entry?.[1]?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * How long to wait before try `attempt + 1`, or undefined to stop. Pure: status 0 means the
 * request got no answer (reset, timeout).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  status: number,
  headers: Record<string, string | undefined>,
  attempt: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const retryAfter = parseRetryAfterMs(headers);
  // Box answers 202 + Retry-After while it is still assembling a chunked upload.
  if (status === 202 && retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterMs);
  const transient = status === 0 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
  if (!transient) return undefined;
  if (retryAfter !== undefined) return retryAfter <= policy.maxRetryAfterMs ? retryAfter : undefined;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random()));
}

/** The SDK's token endpoint (`<baseUrl>/oauth2/token`, `#refresh` for refresh grants). */
export function isTokenRequest(url: string | undefined): boolean {
  return url !== undefined && /\/oauth2\/token(#.*)?$/.test(url);
}

/** The policy in the SDK's RetryStrategy shape, so every SDK call uses it too. */
export class AiqcRetryStrategy implements RetryStrategy {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly logger?: BoxLogger,
  ) {}

  async shouldRetry(fetchOptions: FetchOptions, fetchResponse: FetchResponse, attemptNumber: number): Promise<boolean> {
    // Never re-send a token request as it was: its JWT assertion's jti may already be spent at
    // Box, which then refuses the copy with invalid_grant. SharedTokenAuth retries it with a
    // fresh assertion instead.
    if (isTokenRequest(fetchOptions.url)) return false;
    const auth = fetchOptions.auth as Authentication | undefined;
    if (fetchResponse.status === 401 && auth && attemptNumber <= 2 && attemptNumber < this.policy.maxAttempts) {
      // An expired token: Box answers 401 and only then does a client refresh.
      await auth.refreshToken(fetchOptions.networkSession as NetworkSession | undefined);
      return true;
    }
    const delay = retryDelayMs(this.policy, fetchResponse.status, fetchResponse.headers, attemptNumber);
    if (delay !== undefined && fetchResponse.status !== 202) {
      this.logger?.warn(
        { status: fetchResponse.status, attempt: attemptNumber, delay_ms: delay, method: fetchOptions.method ?? 'GET', url: fetchOptions.url },
        'Box call failed transiently; retrying',
      );
    }
    return delay !== undefined;
  }

  retryAfter(_fetchOptions: FetchOptions, fetchResponse: FetchResponse, attemptNumber: number): number {
    if (fetchResponse.status === 401) return 0;
    return (retryDelayMs(this.policy, fetchResponse.status, fetchResponse.headers, attemptNumber) ?? 0) / 1000;
  }
}
