import { AiqcError } from '../qc/errors.js';

/**
 * The error contract between a job handler and the queue:
 * - throw `PermanentJobError` when retrying cannot help (Box 403/404, a bad payload, a file that
 *   is not there): the job goes straight to `dead` with the message, which should say the fix;
 * - throw `TransientJobError` (optionally with `retryAfterMs`, e.g. from Box's Retry-After) when
 *   a later attempt may succeed: the job is retried with backoff until `max_attempts`;
 * - any other error counts as transient.
 * Errors from other modules can opt in without importing these classes by carrying
 * `permanent: true` and/or a numeric `retryAfterMs`.
 */
export class PermanentJobError extends AiqcError {
  readonly permanent = true;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'job_permanent', message, options);
  }
}

export class TransientJobError extends AiqcError {
  readonly permanent = false;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { code?: string; cause?: unknown; retryAfterMs?: number } = {}) {
    super(options.code ?? 'job_transient', message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isPermanentJobError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

export function retryAfterMsOf(error: unknown): number | undefined {
  const value = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The worker no longer owns the job (its lease expired and another worker took it over). */
export class LeaseLostError extends AiqcError {
  constructor(jobId: number, workerId: string) {
    super('job_lease_lost', `Job ${jobId}: worker ${workerId} lost its lease (it expired and the job was reclaimed); this attempt's result is discarded.`);
  }
}

/** The worker is shutting down and gave the job back to the queue. */
export class WorkerStoppingError extends AiqcError {
  constructor() {
    super('worker_stopping', 'The worker is shutting down; the job was released to the queue for another attempt.');
  }
}

export class JobTimeoutError extends AiqcError {
  constructor(kind: string, timeoutMs: number) {
    super('job_timeout', `Job kind "${kind}" ran longer than its ${timeoutMs} ms timeout; it will be retried.`);
  }
}

/** Handlers and definitions do not match (a kind with no handler, or two). Found at start-up. */
export class JobConfigurationError extends AiqcError {
  constructor(message: string) {
    super('job_configuration', message);
  }
}

export class UnknownJobKindError extends AiqcError {
  constructor(kind: string, known: readonly string[]) {
    super('job_unknown_kind', `Unknown job kind "${kind}". Known kinds: ${known.join(', ') || '(none)'}. Define it with defineJob() and pass it to the JobQueue.`);
  }
}

export class InvalidJobPayloadError extends AiqcError {
  constructor(kind: string, issues: string, options?: { cause?: unknown }) {
    super('job_invalid_payload', `Payload for job kind "${kind}" is invalid: ${issues}`, options);
  }
}

export class JobNotFoundError extends AiqcError {
  constructor(id: number) {
    super('job_not_found', `No job with id ${id}. List jobs with \`aiqc jobs list\`.`);
  }
}

export class JobNotRetryableError extends AiqcError {
  constructor(id: number, status: string) {
    super('job_not_retryable', `Job ${id} is ${status}; only dead jobs can be retried (\`aiqc jobs list --status dead\`).`);
  }
}

/** One line for `last_error`: the error, then its causes, bounded so a huge message cannot bloat the row. */
export function describeErrorChain(error: unknown, maxLength = 4000): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(`${current.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  const text = parts.join(' ← caused by ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
