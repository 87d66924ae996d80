import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { Unlisten } from '../db/database.js';
import { DEFAULT_BACKOFF, jobRetryDelayMs, type BackoffPolicy } from './backoff.js';
import type { JobHandler } from './definition.js';
import {
  JobConfigurationError,
  JobTimeoutError,
  LeaseLostError,
  PermanentJobError,
  WorkerStoppingError,
  describeErrorChain,
  isPermanentJobError,
  retryAfterMsOf,
} from './errors.js';
import type { Job, Lease } from './job.js';
import { JOBS_NOTIFY_CHANNEL, type JobQueue } from './queue.js';

export interface WorkerOptions {
  queue: JobQueue;
  handlers: readonly JobHandler[];
  /** Jobs run at once by this worker (default 2). */
  concurrency?: number;
  /** How long a claim lasts without a heartbeat (default 60 s). */
  leaseMs?: number;
  /** Heartbeat period (default a third of the lease). */
  heartbeatMs?: number;
  /** Poll period when idle (default 1 s); PostgreSQL NOTIFY wakes the worker sooner. */
  pollMs?: number;
  /**
   * How often this worker looks for expired leases (default: a quarter of the lease, at most
   * 1 s, never more often than it polls). A dead worker's job waits at most this much past its
   * lease.
   */
  reapMs?: number;
  backoff?: BackoffPolicy;
  /** Stable name in `locked_by` (default host:pid:random). */
  workerId?: string;
  logger?: Logger;
  random?: () => number;
  /**
   * After the grace period, how long `stop()` waits for the handlers it aborted to return
   * (default 10 s). A handler that ignores its abort signal longer is logged and left behind.
   */
  abortWaitMs?: number;
}

/** How often a lost LISTEN connection is tried again (polling carries on meanwhile). */
const RELISTEN_MS = 30_000;

interface Running {
  job: Job;
  lease: Lease;
  controller: AbortController;
  /** Set when shutdown gave the job back; the handler's outcome is then ignored. */
  released: boolean;
  done: Promise<void>;
  /** Stop heartbeats and the timeout (also when a released handler ignores its abort signal). */
  stopTimers: () => void;
}

/**
 * Claims jobs and runs their handlers: bounded concurrency, leases kept alive by heartbeats,
 * retries with backoff, dead after the last attempt or a permanent error, graceful stop.
 * Any number of workers (threads of one process or separate processes) can share a database.
 */
export class Worker {
  readonly id: string;
  readonly #queue: JobQueue;
  readonly #handlers: ReadonlyMap<string, JobHandler>;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  readonly #pollMs: number;
  readonly #reapMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #logger: Logger;
  readonly #random: () => number;
  readonly #running = new Map<number, Running>();
  readonly #kinds: readonly string[];
  /** Slots held by claims in flight (the loop's, and those made with a completion). */
  #reserved = 0;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  /** A wake-up arrived while the loop was busy (claiming): skip the next sleep. */
  #wakePending = false;
  #unlisten: Unlisten | undefined;
  /** When LISTEN was last tried, while it is not in place (PostgreSQL only). */
  #listenTriedAt: number | undefined;
  readonly #abortWaitMs: number;
  /** performance.now() of the last reap; -Infinity so the first loop reaps. */
  #reapedAt = -Infinity;

  constructor(options: WorkerOptions) {
    this.#queue = options.queue;
    this.#handlers = checkHandlers(options.queue.kinds, options.handlers);
    this.#kinds = [...this.#handlers.keys()];
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(this.#leaseMs / 3));
    if (this.#heartbeatMs >= this.#leaseMs) {
      throw new JobConfigurationError(`Worker heartbeat (${this.#heartbeatMs} ms) must be shorter than the lease (${this.#leaseMs} ms).`);
    }
    this.#pollMs = options.pollMs ?? 1_000;
    this.#reapMs = options.reapMs ?? Math.max(this.#pollMs, Math.min(this.#leaseMs / 4, 1_000));
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ worker: this.id });
    this.#random = options.random ?? Math.random;
    this.#abortWaitMs = options.abortWaitMs ?? 10_000;
  }

  get activeJobIds(): number[] {
    return [...this.#running.keys()];
  }

  /** Start claiming. Fails if waiting jobs have a kind this program cannot run. */
  async start(): Promise<void> {
    if (this.#loop) return;
    const unknown = await this.#queue.unknownPendingKinds();
    if (unknown.length > 0) {
      throw new JobConfigurationError(
        `The queue holds jobs of kind ${unknown.map((k) => `"${k}"`).join(', ')} that this program has no handler for. ` +
          'Run a matching aiqc version, or inspect them with `aiqc jobs list`.',
      );
    }
    this.#stopping = false;
    await this.#listen();
    this.#loop = this.#run();
    this.#logger.info({ concurrency: this.#concurrency, kinds: [...this.#handlers.keys()] }, 'worker started');
  }

  /**
   * Stop claiming, let running jobs finish for up to `graceMs`, then abort the rest and give
   * them back to the queue (their attempt does not count) so another worker picks them up.
   */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.#loop) return;
    this.#stopping = true;
    this.#wakeUp();
    await this.#unlisten?.().catch(() => {});
    this.#unlisten = undefined;
    await this.#loop;
    const pending = [...this.#running.values()];
    if (pending.length > 0) {
      this.#logger.info({ jobs: pending.map((r) => r.job.id), graceMs }, 'waiting for running jobs to finish');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([Promise.all(pending.map((r) => r.done)).then(() => 'finished' as const), graceOver]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        const aborted = [...this.#running.values()];
        for (const running of aborted) {
          running.released = true;
          running.stopTimers();
          running.controller.abort(new WorkerStoppingError());
          const released = await this.#queue.release(running.lease).catch((error: unknown) => {
            this.#logger.error({ job_id: running.job.id, err: describeErrorChain(error) }, 'could not release job; its lease will expire and another worker will reclaim it');
            return false;
          });
          this.#logger.warn({ job_id: running.job.id, released }, 'grace period over: job released to the queue');
        }
        // Wait for the aborted handlers to return: one still killing its ffmpeg or removing its
        // temp folder when stop() resolves would race the database close and the process exit.
        let waitTimer: NodeJS.Timeout | undefined;
        const waitOver = new Promise<'timeout'>((resolve) => {
          waitTimer = setTimeout(() => resolve('timeout'), this.#abortWaitMs);
        });
        const returned = await Promise.race([Promise.all(aborted.map((r) => r.done)).then(() => 'returned' as const), waitOver]);
        clearTimeout(waitTimer);
        if (returned === 'timeout') {
          const stuck = aborted.filter((r) => this.#running.has(r.job.id)).map((r) => r.job.id);
          this.#logger.error({ jobs: stuck, wait_ms: this.#abortWaitMs }, 'aborted handlers did not return; stopping without them (their jobs are already back in the queue)');
        }
      }
    }
    this.#loop = undefined;
    this.#logger.info('worker stopped');
  }

  /** Subscribe to enqueue notifications; NOTIFY is only a latency hint, polling still finds every job. */
  async #listen(): Promise<void> {
    const listen = this.#queue.db.listen;
    if (!listen || this.#unlisten || this.#stopping) return;
    this.#listenTriedAt = Date.now();
    try {
      // Held in an object: the error callback may only run once `listen` has returned it.
      const current: { unlisten?: Unlisten } = {};
      current.unlisten = await listen(
        JOBS_NOTIFY_CHANNEL,
        () => this.#wakeUp(),
        (error) => {
          this.#logger.warn({ err: describeErrorChain(error) }, `LISTEN connection lost; polling only, listening again within ${RELISTEN_MS / 1000} s`);
          if (current.unlisten && this.#unlisten === current.unlisten) this.#unlisten = undefined;
          void current.unlisten?.();
        },
      );
      this.#unlisten = current.unlisten;
    } catch (error) {
      this.#logger.warn({ err: describeErrorChain(error) }, 'could not LISTEN for job notifications; polling only');
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    if (wake) wake();
    else this.#wakePending = true;
  }

  async #sleep(ms: number): Promise<void> {
    if (this.#wakePending) {
      this.#wakePending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      if (this.#queue.db.listen && !this.#unlisten && Date.now() - (this.#listenTriedAt ?? 0) >= RELISTEN_MS) await this.#listen();
      const free = this.#concurrency - this.#running.size - this.#reserved;
      let claimed: Job[] = [];
      try {
        // Expired leases are looked for once per reap period (≤ 1 s), not before every claim
        // nor every poll: a busy worker claims after each job, and that extra UPDATE per job
        // cost as much as the claim itself; at a 50 ms poll it was still a statement for every
        // three jobs with four workers (bench:queue). A dead worker's job waits at most one
        // reap period past its lease.
        if (performance.now() - this.#reapedAt >= this.#reapMs) {
          this.#reapedAt = performance.now();
          const reaped = await this.#queue.reapExpiredLeases();
          if (reaped.requeued + reaped.dead > 0) this.#logger.warn(reaped, 'reclaimed jobs whose worker stopped heartbeating');
        }
        if (free > 0) {
          this.#reserved += free;
          try {
            claimed = await this.#queue.claim(this.id, this.#kinds, free, this.#leaseMs);
          } finally {
            this.#reserved -= free;
          }
        }
        failures = 0;
      } catch (error) {
        failures += 1;
        this.#logger.error({ err: describeErrorChain(error) }, 'could not claim jobs; retrying');
        await this.#sleep(Math.min(this.#pollMs * 2 ** failures, 30_000));
        continue;
      }
      for (const job of claimed) this.#startJob(job);
      if (this.#stopping) break;
      // A full batch means more may be waiting: claim again as soon as a slot frees up.
      if (claimed.length === 0 || this.#running.size + this.#reserved >= this.#concurrency) await this.#sleep(this.#pollMs);
    }
  }

  /**
   * Record a success and, unless stopping, claim the next job for the slot it frees in the same
   * commit (sql/complete-and-claim.ts): one commit per job instead of two (bench:queue).
   */
  async #complete(lease: Lease, result: unknown): Promise<boolean> {
    if (this.#stopping) return this.#queue.complete(lease, result);
    this.#reserved += 1;
    let outcome: { owned: boolean; jobs: Job[] };
    try {
      outcome = await this.#queue.completeAndClaim(lease, result, this.#kinds, 1, this.#leaseMs);
    } finally {
      this.#reserved -= 1;
    }
    // Checked and started synchronously: stop() sets #stopping before it lists the running jobs
    // it waits for, so a job is either started here and waited for, or given straight back.
    if (!this.#stopping) {
      for (const job of outcome.jobs) this.#startJob(job);
    } else {
      for (const job of outcome.jobs) {
        await this.#queue.release({ jobId: job.id, workerId: this.id, attempt: job.attempts }).catch((error: unknown) => {
          this.#logger.error({ job_id: job.id, err: describeErrorChain(error) }, 'could not release job; its lease will expire and another worker will reclaim it');
        });
      }
    }
    return outcome.owned;
  }

  #startJob(job: Job): void {
    const lease: Lease = { jobId: job.id, workerId: this.id, attempt: job.attempts };
    const controller = new AbortController();
    const running: Running = { job, lease, controller, released: false, done: Promise.resolve(), stopTimers: () => {} };
    this.#running.set(job.id, running);
    running.done = this.#execute(running).finally(() => {
      this.#running.delete(job.id);
      this.#wakeUp();
    });
  }

  async #execute(running: Running): Promise<void> {
    const { job, lease, controller } = running;
    const handler = this.#handlers.get(job.kind);
    const logger = this.#logger.child({ job_id: job.id, kind: job.kind, attempt: job.attempts });
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      this.#queue
        .heartbeat(lease, this.#leaseMs)
        .then((owned) => {
          if (!owned && !leaseLost && !running.released) {
            leaseLost = true;
            running.stopTimers();
            controller.abort(new LeaseLostError(job.id, this.id));
          }
        })
        .catch((error: unknown) => logger.warn({ err: describeErrorChain(error) }, 'heartbeat failed; will try again'));
    }, this.#heartbeatMs);
    const timeoutMs = handler?.definition.timeoutMs;
    const timeout = timeoutMs ? setTimeout(() => controller.abort(new JobTimeoutError(job.kind, timeoutMs)), timeoutMs) : undefined;
    running.stopTimers = () => {
      clearInterval(heartbeat);
      if (timeout) clearTimeout(timeout);
    };
    try {
      let result: unknown;
      let failure: unknown;
      try {
        if (!handler) throw new PermanentJobError(`No handler for job kind "${job.kind}".`);
        const parsed = handler.definition.payload.safeParse(job.payload);
        if (!parsed.success) {
          throw new PermanentJobError(`Stored payload does not match job kind "${job.kind}": ${parsed.error.message}`, { code: 'job_invalid_payload' });
        }
        logger.info('job started');
        result = await handler.handle(parsed.data, {
          jobId: job.id,
          kind: job.kind,
          attempt: job.attempts,
          maxAttempts: job.maxAttempts,
          signal: controller.signal,
          progress: job.progress,
          logger,
          checkpoint: async (progress, sideEffect) => {
            const owned = await this.#queue.saveProgress(lease, progress, sideEffect);
            if (!owned) {
              leaseLost = true;
              const error = new LeaseLostError(job.id, this.id);
              controller.abort(error);
              throw error;
            }
          },
        });
      } catch (error) {
        failure = error;
      }
      if (running.released) {
        logger.info('job was released during shutdown; its outcome is left to the next attempt');
        return;
      }
      if (leaseLost) {
        logger.warn('lease lost: another worker owns this job now; discarding this attempt');
        return;
      }
      if (failure === undefined) {
        const owned = await this.#complete(lease, result ?? null);
        if (owned) logger.info('job done');
        else logger.warn('job finished but its lease had been taken over; result discarded');
        return;
      }
      const reason = controller.signal.aborted ? controller.signal.reason : failure;
      const permanent = isPermanentJobError(reason);
      const retryInMs = retryAfterMsOf(reason) ?? jobRetryDelayMs(job.attempts, this.#backoff, this.#random);
      const status = await this.#queue.fail(lease, { error: describeErrorChain(reason), permanent, retryInMs });
      if (status === 'dead') logger.error({ err: describeErrorChain(reason) }, permanent ? 'job failed permanently' : 'job failed on its last attempt');
      else if (status === 'queued') logger.warn({ err: describeErrorChain(reason), retry_in_ms: retryInMs }, 'job failed; will retry');
      else logger.warn('job failed but its lease had been taken over; failure discarded');
    } catch (error) {
      // The database itself failed while recording the outcome: the lease will expire and the
      // job will be reclaimed, so nothing is lost.
      logger.error({ err: describeErrorChain(error) }, 'could not record the job outcome; it will be reclaimed when its lease expires');
    } finally {
      running.stopTimers();
    }
  }
}

/** Every defined kind has exactly one handler, and every handler a definition. */
export function checkHandlers(kinds: readonly string[], handlers: readonly JobHandler[]): Map<string, JobHandler> {
  const byKind = new Map<string, JobHandler>();
  const problems: string[] = [];
  for (const handler of handlers) {
    if (byKind.has(handler.kind)) problems.push(`job kind "${handler.kind}" has two handlers`);
    byKind.set(handler.kind, handler);
    if (!kinds.includes(handler.kind)) problems.push(`handler for "${handler.kind}" has no job definition in the queue`);
  }
  for (const kind of kinds) if (!byKind.has(kind)) problems.push(`job kind "${kind}" has no handler`);
  if (problems.length > 0) throw new JobConfigurationError(`Job handlers do not match job kinds: ${problems.join('; ')}.`);
  return byKind;
}
