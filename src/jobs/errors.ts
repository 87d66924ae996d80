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
export class PermanentJobError extends Error {
  readonly code: string;
  readonly permanent = true;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PermanentJobError';
    this.code = options.code ?? 'job_permanent';
  }
}

export class TransientJobError extends Error {
  readonly code: string;
  readonly permanent = false;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { code?: string; cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransientJobError';
    this.code = options.code ?? 'job_transient';
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
export class LeaseLostError extends Error {
  readonly code = 'job_lease_lost';
  constructor(jobId: number, workerId: string) {
    super(`Job ${jobId}: worker ${workerId} lost its lease (it expired and the job was reclaimed); this attempt's result is discarded.`);
    this.name = 'LeaseLostError';
  }
}

/** The worker is shutting down and gave the job back to the queue. */
export class WorkerStoppingError extends Error {
  readonly code = 'worker_stopping';
  constructor() {
    super('The worker is shutting down; the job was released to the queue for another attempt.');
    this.name = 'WorkerStoppingError';
  }
}

export class JobTimeoutError extends Error {
  readonly code = 'job_timeout';
  constructor(kind: string, timeoutMs: number) {
    super(`Job kind "${kind}" ran longer than its ${timeoutMs} ms timeout; it will be retried.`);
    this.name = 'JobTimeoutError';
  }
}

/** Handlers and definitions do not match (a kind with no handler, or two). Found at start-up. */
export class JobConfigurationError extends Error {
  readonly code = 'job_configuration';
  constructor(message: string) {
    super(message);
    this.name = 'JobConfigurationError';
  }
}

export class UnknownJobKindError extends Error {
  readonly code = 'job_unknown_kind';
  constructor(kind: string, known: readonly string[]) {
    super(`Unknown job kind "${kind}". Known kinds: ${known.join(', ') || '(none)'}. Define it with defineJob() and pass it to the JobQueue.`);
    this.name = 'UnknownJobKindError';
  }
}

export class InvalidJobPayloadError extends Error {
  readonly code = 'job_invalid_payload';
  constructor(kind: string, issues: string, options?: { cause?: unknown }) {
    super(`Payload for job kind "${kind}" is invalid: ${issues}`, options);
    this.name = 'InvalidJobPayloadError';
  }
}

export class JobNotFoundError extends Error {
  readonly code = 'job_not_found';
  constructor(id: number) {
    super(`No job with id ${id}. List jobs with \`aiqc jobs list\`.`);
    this.name = 'JobNotFoundError';
  }
}

export class JobNotRetryableError extends Error {
  readonly code = 'job_not_retryable';
  constructor(id: number, status: string) {
    super(`Job ${id} is ${status}; only dead jobs can be retried (\`aiqc jobs list --status dead\`).`);
    this.name = 'JobNotRetryableError';
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
