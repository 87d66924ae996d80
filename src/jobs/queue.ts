/**
 * The durable job queue, stored in aiqc's own database so a job is enqueued atomically with the
 * domain write that caused it. Producers use `enqueue`; `Worker` uses the lease methods. Each SQL
 * operation lives in its own file under `sql/` (graphile-worker's shape); this class validates
 * payloads against the job definitions, holds the clock and picks the executor.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, JobStatus } from '../db/schema.js';
import type { JobDefinition, PayloadOf } from './definition.js';
import { InvalidJobPayloadError, JobNotFoundError, JobNotRetryableError, UnknownJobKindError } from './errors.js';
import type { Job, Lease } from './job.js';
import { addJob } from './sql/add-job.js';
import { claimJobs } from './sql/claim-jobs.js';
import { completeAndClaim } from './sql/complete-and-claim.js';
import { completeJob } from './sql/complete-job.js';
import { countJobsByStatus, pendingJobKinds } from './sql/count-jobs.js';
import { failJob, type JobFailure } from './sql/fail-job.js';
import { getJob, listJobs } from './sql/get-jobs.js';
import { extendLease } from './sql/heartbeat.js';
import { reapExpiredLeases } from './sql/reap-expired-leases.js';
import { releaseJob } from './sql/release-job.js';
import { retryDeadJob } from './sql/retry-job.js';
import { saveProgress } from './sql/save-progress.js';

export { JOBS_NOTIFY_CHANNEL } from './sql/add-job.js';
export { toJob, type Job, type Lease } from './job.js';

export interface EnqueueOptions {
  /** At most one job per key, ever: a second enqueue returns the first job and creates nothing. */
  dedupeKey?: string;
  /** Not before this epoch-ms time (default now). */
  runAfter?: number;
  maxAttempts?: number;
  /**
   * Write inside the caller's transaction (e.g. with the webhook delivery record) so both
   * commit or neither does.
   */
  trx?: Kysely<Database>;
}

export interface EnqueueResult<P = unknown> {
  job: Job<P>;
  /** False when a job with the same dedupe key already existed (nothing was written). */
  created: boolean;
}

export interface QueueOptions {
  db: Db;
  definitions: readonly JobDefinition[];
  clock?: () => number;
}

export class JobQueue {
  readonly db: Db;
  readonly #definitions: ReadonlyMap<string, JobDefinition>;
  readonly #clock: () => number;

  constructor(options: QueueOptions) {
    const definitions = new Map<string, JobDefinition>();
    for (const definition of options.definitions) {
      if (definitions.has(definition.kind)) throw new Error(`Job kind "${definition.kind}" is defined twice.`);
      definitions.set(definition.kind, definition);
    }
    this.db = options.db;
    this.#definitions = definitions;
    this.#clock = options.clock ?? Date.now;
  }

  get kinds(): string[] {
    return [...this.#definitions.keys()];
  }

  definition(kind: string): JobDefinition {
    const definition = this.#definitions.get(kind);
    if (!definition) throw new UnknownJobKindError(kind, this.kinds);
    return definition;
  }

  now(): number {
    return this.#clock();
  }

  async enqueue<D extends JobDefinition>(
    kind: D | string,
    payload: D extends JobDefinition ? PayloadOf<D> : unknown,
    options: EnqueueOptions = {},
  ): Promise<EnqueueResult> {
    const definition = this.definition(typeof kind === 'string' ? kind : kind.kind);
    const parsed = definition.payload.safeParse(payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new InvalidJobPayloadError(definition.kind, issues, { cause: parsed.error });
    }
    const now = this.#clock();
    return addJob(
      options.trx ?? this.db.kysely,
      { kind: definition.kind, payload: parsed.data, dedupeKey: options.dedupeKey ?? null, maxAttempts: options.maxAttempts ?? definition.maxAttempts, runAfter: options.runAfter ?? now },
      now,
      this.db.capabilities.notify,
    );
  }

  get(id: number): Promise<Job | undefined> {
    return getJob(this.db.kysely, { id });
  }

  getByDedupeKey(dedupeKey: string): Promise<Job | undefined> {
    return getJob(this.db.kysely, { dedupeKey });
  }

  list(filter: { status?: JobStatus; kind?: string; limit?: number } = {}): Promise<Job[]> {
    return listJobs(this.db.kysely, filter);
  }

  countByStatus(): Promise<Record<JobStatus, number>> {
    return countJobsByStatus(this.db.kysely);
  }

  /** Kinds of waiting or running jobs that this queue has no definition for. */
  async unknownPendingKinds(): Promise<string[]> {
    return (await pendingJobKinds(this.db.kysely)).filter((kind) => !this.#definitions.has(kind));
  }

  /** Put a dead job back in the queue with a fresh set of attempts. */
  async retry(id: number): Promise<Job> {
    const job = await retryDeadJob(this.db.kysely, id, this.#clock());
    if (job) return job;
    const existing = await this.get(id);
    if (!existing) throw new JobNotFoundError(id);
    throw new JobNotRetryableError(id, existing.status);
  }

  // ─── Worker side ──────────────────────────────────────────────────────────────────────────

  /** Requeue (or kill, when out of attempts) running jobs whose worker stopped heartbeating. */
  reapExpiredLeases(): Promise<{ requeued: number; dead: number }> {
    return reapExpiredLeases(this.db.kysely, this.#clock());
  }

  /** Claim up to `limit` due jobs of the given kinds for `workerId` (see sql/claim-jobs.ts). */
  claim(workerId: string, kinds: readonly string[], limit: number, leaseMs: number): Promise<Job[]> {
    return claimJobs(this.db.kysely, { workerId, kinds, limit, leaseMs, skipLocked: this.db.capabilities.skipLocked }, this.#clock());
  }

  /** Extend the lease; false when the worker no longer owns the job. */
  heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    return extendLease(this.db.kysely, lease, leaseMs, this.#clock());
  }

  /** Save the checkpoint (and `sideEffect` in the same transaction); false when the lease is lost. */
  saveProgress(lease: Lease, progress: unknown, sideEffect?: (trx: Kysely<Database>) => Promise<void>): Promise<boolean> {
    return saveProgress(this.db.kysely, lease, progress, this.#clock(), sideEffect);
  }

  /** Mark the job done with its result; false when the worker no longer owns it. */
  complete(lease: Lease, result: unknown): Promise<boolean> {
    return completeJob(this.db.kysely, lease, result, this.#clock());
  }

  /**
   * `complete`, then `claim` up to `limit` more for the same worker, in one commit (see
   * sql/complete-and-claim.ts). `owned` is false when the lease was lost (result discarded).
   */
  completeAndClaim(lease: Lease, result: unknown, kinds: readonly string[], limit: number, leaseMs: number): Promise<{ owned: boolean; jobs: Job[] }> {
    return completeAndClaim(this.db.kysely, lease, result, { workerId: lease.workerId, kinds, limit, leaseMs, skipLocked: this.db.capabilities.skipLocked }, this.#clock());
  }

  /** Dead when permanent or out of attempts, else queued after `retryInMs`; undefined when the lease is lost. */
  fail(lease: Lease, failure: JobFailure): Promise<'queued' | 'dead' | undefined> {
    return failJob(this.db.kysely, lease, failure, this.#clock());
  }

  /** Give a running job back untouched (graceful shutdown): the attempt does not count. */
  release(lease: Lease): Promise<boolean> {
    return releaseJob(this.db.kysely, lease, this.#clock());
  }
}
