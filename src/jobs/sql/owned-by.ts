import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Lease } from '../job.js';

/**
 * The lease fence: a write to a running job's row lands only while this lease still owns it
 * (same worker, same attempt), so a worker whose lease was reclaimed cannot overwrite the
 * new owner's work.
 */
export function ownedBy(lease: Lease) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([eb('id', '=', lease.jobId), eb('status', '=', 'running'), eb('locked_by', '=', lease.workerId), eb('attempts', '=', lease.attempt)]);
}
