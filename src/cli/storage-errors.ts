import { ClientProfileNotAllowedError } from './client-settings-errors.js';
import { NoOverrideToRevertError } from '../db/client-settings.js';
import { DatabaseConfigError, MigrationError } from '../db/errors.js';
import { JobNotFoundError, JobNotRetryableError } from '../jobs/errors.js';
import { UsageError } from './errors.js';

/**
 * Storage and queue errors a person fixes by calling aiqc differently or fixing its settings:
 * shown as `aiqc: <message>` with exit code 2 (DESIGN §2), like any UsageError.
 */
export async function asUsageErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (
      error instanceof JobNotFoundError ||
      error instanceof JobNotRetryableError ||
      error instanceof NoOverrideToRevertError ||
      error instanceof ClientProfileNotAllowedError ||
      error instanceof DatabaseConfigError ||
      error instanceof MigrationError
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}
