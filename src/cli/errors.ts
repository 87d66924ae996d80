import { AiqcError } from '../qc/errors.js';

/** Exit codes (DESIGN §2): 0 all pass/warn, 1 any fail/error verdict, 2 usage or configuration. */
export const EXIT_OK = 0;
export const EXIT_QC_FAILED = 1;
export const EXIT_USAGE = 2;

/** A mistake in how aiqc was called or configured; the message names the fix. */
export class UsageError extends AiqcError {
  constructor(message: string) {
    super('usage_error', message);
  }
}
