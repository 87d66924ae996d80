/** Scoring and verdict exactly as DESIGN §3. Pure: results in, numbers out. */
import type { CheckResult, CheckStatus, Severity, Verdict } from './types.js';

const DEFAULT_WEIGHT: Record<Severity, number> = { error: 3, warning: 1, info: 0 };
const CREDIT: Record<Exclude<CheckStatus, 'skipped'>, number> = { pass: 1, warn: 0.5, fail: 0, error: 0 };

export function weightOf(result: Pick<CheckResult, 'severity' | 'weight'>): number {
  return result.weight ?? DEFAULT_WEIGHT[result.severity];
}

/**
 * round(100 × Σ wᵢcᵢ / Σ wᵢ) over the checks that were not skipped. With nothing left to
 * weigh (every check skipped, or only info checks) there is no evidence against the asset,
 * so it scores 100.
 */
export function scoreOf(results: readonly CheckResult[], assetReadable = true): number {
  if (!assetReadable) return 0;
  let weighted = 0;
  let total = 0;
  for (const r of results) {
    if (r.status === 'skipped') continue;
    const w = weightOf(r);
    weighted += w * CREDIT[r.status];
    total += w;
  }
  return total === 0 ? 100 : Math.round((100 * weighted) / total);
}

export function verdictOf(results: readonly CheckResult[], assetReadable = true): Verdict {
  if (!assetReadable) return 'error';
  if (results.some((r) => r.status === 'fail' || r.status === 'error')) return 'fail';
  if (results.some((r) => r.status === 'warn')) return 'warn';
  return 'pass';
}

/** A check's own `fail` is softened by its severity: warning and info report `warn`. */
export function statusForSeverity(status: CheckStatus, severity: Severity): CheckStatus {
  return status === 'fail' && severity !== 'error' ? 'warn' : status;
}
