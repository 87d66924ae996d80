import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database } from '../db/schema.js';

/** What a handler receives besides its payload. */
export interface JobContext {
  readonly jobId: number;
  readonly kind: string;
  /** 1 for the first run. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /**
   * Aborted when the worker stops, the lease is lost or the kind's timeout passes; pass it to
   * fetch/streams/child processes so they stop too. `signal.reason` says why.
   */
  readonly signal: AbortSignal;
  /** The checkpoint saved by an earlier attempt (null on a first run). */
  readonly progress: unknown;
  /**
   * Save a checkpoint so a re-run (after a crash) can skip finished steps. `sideEffect`, if
   * given, runs in the same transaction: a database write and the checkpoint that records it
   * commit together. Throws LeaseLostError (and writes nothing) if the job was taken over.
   */
  checkpoint(progress: unknown, sideEffect?: (trx: Kysely<Database>) => Promise<void>): Promise<void>;
  readonly logger: Logger;
}

export interface JobDefinitionOptions<S extends z.ZodType> {
  /** Validates the payload at enqueue time and again before the handler runs. */
  payload: S;
  /** Attempts before the job goes dead (default 5). */
  maxAttempts?: number;
  /** Abort the handler (and retry) after this long; default: no limit beyond the lease. */
  timeoutMs?: number;
}

/** A kind of job: its name, payload schema and retry settings. Handlers are attached separately. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly payload: S;
  readonly maxAttempts: number;
  readonly timeoutMs: number | undefined;
}

export type PayloadOf<D extends JobDefinition> = z.output<D['payload']>;

export function defineJob<S extends z.ZodType>(kind: string, options: JobDefinitionOptions<S>): JobDefinition<S> {
  if (!/^[a-z][a-z0-9_.-]*$/.test(kind)) {
    throw new Error(`Job kind "${kind}" must be lower-case letters, digits, "_", "." or "-", starting with a letter.`);
  }
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`Job kind "${kind}": maxAttempts must be a whole number ≥ 1.`);
  return { kind, payload: options.payload, maxAttempts, timeoutMs: options.timeoutMs };
}

export type JobHandlerFn<P> = (payload: P, context: JobContext) => Promise<unknown>;

/** A handler bound to its kind; the worker checks at start-up that each kind has exactly one. */
export interface JobHandler {
  readonly kind: string;
  readonly definition: JobDefinition;
  readonly handle: JobHandlerFn<unknown>;
}

export function handleJob<D extends JobDefinition>(definition: D, handle: JobHandlerFn<PayloadOf<D>>): JobHandler {
  return { kind: definition.kind, definition, handle: handle as JobHandlerFn<unknown> };
}
