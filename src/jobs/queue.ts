import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, JobRow, JobStatus } from '../db/schema.js';
import type { JobDefinition, PayloadOf } from './definition.js';
import {
  InvalidJobPayloadError,
  JobNotFoundError,
  JobNotRetryableError,
  UnknownJobKindError,
} from './errors.js';

/** Channel on which enqueue notifies idle workers (PostgreSQL only; workers still poll). */
export const JOBS_NOTIFY_CHANNEL = 'aiqc_jobs';

export interface Job<P = unknown> {
  id: number;
  kind: string;
  payload: P;
  dedupeKey: string | null;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAfter: number;
  leaseUntil: number | null;
  lockedBy: string | null;
  lastError: string | null;
  result: unknown;
  progress: unknown;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** Proof that a worker owns a running job; every write by that worker is fenced on it. */
export interface Lease {
  jobId: number;
  workerId: string;
  attempt: number;
}

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

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: parseJson(row.payload),
    dedupeKey: row.dedupe_key,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAfter: row.run_after,
    leaseUntil: row.lease_until,
    lockedBy: row.locked_by,
    lastError: row.last_error,
    result: parseJson(row.result),
    progress: parseJson(row.progress),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** The job as printed by `aiqc jobs … --json`: snake_case keys, times as ISO strings. */
export function jobToJson(job: Job): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    dedupe_key: job.dedupeKey,
    payload: job.payload,
    progress: job.progress,
    result: job.result,
    last_error: job.lastError,
    locked_by: job.lockedBy,
    run_after: iso(job.runAfter),
    lease_until: iso(job.leaseUntil),
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
  };
}

function serialise(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/**
 * The durable job queue, stored in aiqc's own database so a job is enqueued atomically with the
 * domain write that caused it. Producers use `enqueue`; `Worker` uses the lease methods.
 */
/**
 * The lease fence: a write to a running job's row lands only while this lease still owns it
 * (same worker, same attempt), so a worker whose lease was reclaimed cannot overwrite the
 * new owner's work.
 */
function ownedBy(lease: Lease) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([eb('id', '=', lease.jobId), eb('status', '=', 'running'), eb('locked_by', '=', lease.workerId), eb('attempts', '=', lease.attempt)]);
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
    const executor = options.trx ?? this.db.kysely;
    const now = this.#clock();
    const inserted = await executor
      .insertInto('jobs')
      .values({
        kind: definition.kind,
        payload: JSON.stringify(parsed.data),
        dedupe_key: options.dedupeKey ?? null,
        status: 'queued',
        attempts: 0,
        max_attempts: options.maxAttempts ?? definition.maxAttempts,
        run_after: options.runAfter ?? now,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      if (this.db.capabilities.notify) {
        // Delivered on commit of the surrounding transaction, so a worker never wakes too early.
        await sql`select pg_notify(${JOBS_NOTIFY_CHANNEL}, ${definition.kind})`.execute(executor);
      }
      return { job: toJob(inserted), created: true };
    }
    const existing = await executor
      .selectFrom('jobs')
      .selectAll()
      .where('dedupe_key', '=', options.dedupeKey ?? '')
      .executeTakeFirst();
    if (!existing) throw new Error(`Job with dedupe key "${options.dedupeKey}" conflicted on insert but cannot be read back`);
    return { job: toJob(existing), created: false };
  }

  async get(id: number): Promise<Job | undefined> {
    const row = await this.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  async getByDedupeKey(dedupeKey: string): Promise<Job | undefined> {
    const row = await this.db.kysely.selectFrom('jobs').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  async list(filter: { status?: JobStatus; kind?: string; limit?: number } = {}): Promise<Job[]> {
    let query = this.db.kysely.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 50);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    return (await query.execute()).map(toJob);
  }

  async countByStatus(): Promise<Record<JobStatus, number>> {
    const rows = await this.db.kysely
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, dead: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** Kinds of waiting or running jobs that this queue has no definition for. */
  async unknownPendingKinds(): Promise<string[]> {
    const rows = await this.db.kysely
      .selectFrom('jobs')
      .select('kind')
      .distinct()
      .where('status', 'in', ['queued', 'running'])
      .execute();
    return rows.map((r) => r.kind).filter((kind) => !this.#definitions.has(kind));
  }

  /** Put a dead job back in the queue with a fresh set of attempts. */
  async retry(id: number): Promise<Job> {
    const now = this.#clock();
    const row = await this.db.kysely
      .updateTable('jobs')
      .set({ status: 'queued', attempts: 0, run_after: now, lease_until: null, locked_by: null, finished_at: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .returningAll()
      .executeTakeFirst();
    if (row) return toJob(row);
    const job = await this.get(id);
    if (!job) throw new JobNotFoundError(id);
    throw new JobNotRetryableError(id, job.status);
  }

  // ─── Worker side ──────────────────────────────────────────────────────────────────────────

  /**
   * Requeue running jobs whose lease expired (their worker was killed or hung). A job that has
   * used all its attempts goes dead instead. Returns how many were requeued or killed.
   */
  async reapExpiredLeases(): Promise<{ requeued: number; dead: number }> {
    const now = this.#clock();
    const rows = await this.db.kysely
      .updateTable('jobs')
      .set((eb) => ({
        status: eb
          .case()
          .when('attempts', '>=', eb.ref('max_attempts'))
          .then(sql.lit('dead'))
          .else(sql.lit('queued'))
          .end()
          .$castTo<JobStatus>(),
        finished_at: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then(now).else(null).end(),
        last_error: sql<string>`'lease expired: worker ' || coalesce(locked_by, '?') || ' stopped heartbeating before the job finished'`,
        lease_until: null,
        run_after: now,
        updated_at: now,
      }))
      .where('status', '=', 'running')
      .where('lease_until', '<', now)
      .returning('status')
      .execute();
    const dead = rows.filter((r) => r.status === 'dead').length;
    return { requeued: rows.length - dead, dead };
  }

  /**
   * Claim up to `limit` due jobs of the given kinds for `workerId`, in one statement. On
   * PostgreSQL that statement is the whole claim: its `FOR UPDATE SKIP LOCKED` row locks keep
   * two workers off one row, so it runs without BEGIN/COMMIT (two round trips fewer per claim;
   * bench:queue). SQLite runs it in an immediate transaction, which holds the database's write
   * lock from the select to the update, so two processes never claim one row.
   */
  async claim(workerId: string, kinds: readonly string[], limit: number, leaseMs: number): Promise<Job[]> {
    if (kinds.length === 0 || limit < 1) return [];
    const now = this.#clock();
    const skipLocked = this.db.capabilities.skipLocked;
    const claimIn = async (db: Kysely<Database>) => {
      const rows = await db
        .with('candidates', (q) =>
          q
            .selectFrom('jobs')
            .select('id')
            .where('status', '=', 'queued')
            .where('run_after', '<=', now)
            .where('kind', 'in', [...kinds])
            .orderBy('run_after')
            .orderBy('id')
            .limit(limit)
            .$if(skipLocked, (c) => c.forUpdate().skipLocked()),
        )
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          locked_by: workerId,
          lease_until: now + leaseMs,
          started_at: now,
          updated_at: now,
        }))
        .where('id', 'in', (eb) => eb.selectFrom('candidates').select('candidates.id'))
        .where('status', '=', 'queued')
        .returningAll()
        .execute();
      return rows.map(toJob).sort((a, b) => a.runAfter - b.runAfter || a.id - b.id);
    };
    return skipLocked ? claimIn(this.db.kysely) : this.db.kysely.transaction().execute(claimIn);
  }

  /** Extend the lease; false when the worker no longer owns the job. */
  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const now = this.#clock();
    const result = await this.db.kysely
      .updateTable('jobs')
      .set({ lease_until: now + leaseMs, updated_at: now })
      .where(ownedBy(lease))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Save the handler's checkpoint. When `sideEffect` is given it runs in the same transaction,
   * after the ownership check, so a database side effect and the checkpoint recording it commit
   * together or not at all — a re-run then sees the checkpoint and skips the step.
   * Returns false (and writes nothing) when the worker no longer owns the job.
   */
  async saveProgress(
    lease: Lease,
    progress: unknown,
    sideEffect?: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<boolean> {
    const now = this.#clock();
    return this.db.kysely.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('jobs')
        .set({ progress: serialise(progress), updated_at: now })
        .where(ownedBy(lease))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      if (sideEffect) await sideEffect(trx);
      return true;
    });
  }

  /** Mark the job done with its result; false when the worker no longer owns it. */
  async complete(lease: Lease, result: unknown): Promise<boolean> {
    const now = this.#clock();
    const updated = await this.db.kysely
      .updateTable('jobs')
      .set({ status: 'done', result: serialise(result), lease_until: null, finished_at: now, updated_at: now })
      .where(ownedBy(lease))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /**
   * Record a failed attempt: dead when `permanent` or out of attempts, otherwise queued again
   * after `retryInMs`. Returns the new status, or undefined when the worker no longer owns it.
   */
  async fail(
    lease: Lease,
    failure: { error: string; permanent: boolean; retryInMs: number },
  ): Promise<'queued' | 'dead' | undefined> {
    const now = this.#clock();
    const row = await this.db.kysely
      .updateTable('jobs')
      .set((eb) => {
        const dead = failure.permanent ? sql<boolean>`true` : eb('attempts', '>=', eb.ref('max_attempts'));
        return {
          status: eb.case().when(dead).then(sql.lit('dead')).else(sql.lit('queued')).end().$castTo<JobStatus>(),
          finished_at: eb.case().when(dead).then(now).else(null).end(),
          run_after: now + Math.max(0, Math.round(failure.retryInMs)),
          last_error: failure.error,
          lease_until: null,
          updated_at: now,
        };
      })
      .where(ownedBy(lease))
      .returning('status')
      .executeTakeFirst();
    return row ? (row.status as 'queued' | 'dead') : undefined;
  }

  /** Give a running job back untouched (graceful shutdown): the attempt does not count. */
  async release(lease: Lease): Promise<boolean> {
    const now = this.#clock();
    const updated = await this.db.kysely
      .updateTable('jobs')
      .set((eb) => ({ status: 'queued', attempts: eb('attempts', '-', 1), lease_until: null, run_after: now, updated_at: now }))
      .where(ownedBy(lease))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
}
