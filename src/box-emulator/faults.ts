// Injected faults: a request whose method and path match is delayed, refused with a status,
// dropped, or answered and then cut, a given number of times. Tests use them to prove the
// client survives what Box and networks do (429 + retry-after, 5xx, resets, lost answers).
import { randomBytes } from 'node:crypto';
import { HELP_URL } from './http.js';

/** A fault injected on matching requests, consumed `times` times (0 = until cleared). */
export interface FaultSpec {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Path to match; `*` matches one segment, `**` anything (e.g. `/2.0/folders/*\/items`). */
  path: string;
  status?: number;
  code?: string;
  /** Seconds, sent as the lower-case `retry-after` header Box sends. */
  retryAfter?: number;
  delayMs?: number;
  /** Drop the connection without answering (ECONNRESET at the client). */
  reset?: boolean;
  /** Carry the request out, then drop the connection instead of answering: the lost-response case. */
  resetAfterHandling?: boolean;
  /** Answer 200 with the full Content-Length but send only half the body, then drop the connection. */
  resetMidBody?: boolean;
  times?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  pattern: RegExp;
  remaining: number;
  hits: number;
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split(/(\*\*|\*)/)
    .map((piece) => (piece === '**' ? '.*' : piece === '*' ? '[^/]+' : piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

export class FaultTable {
  private readonly active: ActiveFault[] = [];

  inject(spec: FaultSpec): string {
    const id = `fault-${this.active.length + 1}-${randomBytes(3).toString('hex')}`;
    const times = spec.times ?? 1;
    this.active.push({ ...spec, id, pattern: globToRegExp(spec.path), remaining: times === 0 ? Infinity : times, hits: 0 });
    return id;
  }

  clear(): void {
    this.active.splice(0);
  }

  list(): Array<FaultSpec & { id: string; hits: number; remaining: number }> {
    return this.active.map(({ pattern: _pattern, ...rest }) => rest);
  }

  /** The first live fault matching this request, consumed once; undefined when none. */
  take(method: string, path: string): ActiveFault | undefined {
    const fault = this.active.find((f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && f.pattern.test(path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault;
  }
}

/** The answer a status fault gives: Box's error JSON, or 202 + retry-after with no body. */
export function faultAnswer(fault: ActiveFault, requestId: string): { status: number; headers: Record<string, string>; json?: unknown } {
  const status = fault.status ?? 500;
  // Box's "not ready yet" (a download still being prepared, a commit still assembling the
  // parts): 202 with Retry-After and no body; the client is expected to wait and ask again.
  if (status === 202) return { status, headers: { 'retry-after': String(fault.retryAfter ?? 1) } };
  const code = fault.code ?? (status === 429 ? 'rate_limit_exceeded' : status === 503 ? 'unavailable' : 'internal_server_error');
  const message = status === 429 ? 'Request rate limit exceeded, please try again later' : 'Internal Server Error';
  const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
  return { status, headers, json: { type: 'error', status, code, help_url: HELP_URL, message, request_id: requestId } };
}
