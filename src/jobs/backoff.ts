export interface BackoffPolicy {
  /** Delay before the second attempt, before jitter. */
  baseMs: number;
  /** Ceiling for any delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 15 * 60_000 };

/**
 * Delay before retrying after `attempt` failed (attempt 1 = the first run): exponential
 * (base × 2^(attempt−1), capped) with "equal jitter" — half fixed, half random — so retries of
 * many jobs that failed together (a Box outage) spread out instead of stampeding back at once.
 */
export function jobRetryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + half * Math.min(Math.max(random(), 0), 1));
}
