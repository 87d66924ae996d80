/** A job as the queue hands it out, and the lease that fences a worker's writes to it. */
import type { JobRow, JobStatus } from '../db/schema.js';

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

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

/** JSON columns are text (portable across SQLite and PostgreSQL); `undefined` is stored as NULL. */
export function serialise(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
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
