import { BoxConnectError } from '../boxconnect/errors.js';
import type { BoxConnectConfig } from '../boxconnect/service.js';
import { boxConnectFromEnv } from '../boxconnect/settings.js';
import { AiqcError } from '../qc/errors.js';
import { z } from 'zod';

/** The console's settings from the environment (validated once; errors name the variable and the fix). */
export interface ConsoleSettings {
  /** Uploads larger than this are refused with 413. */
  maxUploadBytes: number;
  /** Sign-in attempts allowed per client IP per minute (default 10). */
  loginAttemptsPerMinute?: number;
  /**
   * How often an SSE stream also re-reads its run (default 1 s): it follows a worker whose
   * events cannot reach this process (a separate SQLite worker process).
   */
  ssePollMs?: number;
  /** Per-user Box connect (DESIGN §10), when BOX_CONNECT_CLIENT_ID is set. */
  boxConnect?: BoxConnectConfig;
}

export const DEFAULT_MAX_UPLOAD_MB = 500;

export class ConsoleSettingsError extends AiqcError {
  constructor(message: string) {
    super('serve_config', message);
  }
}

const schema = z.object({
  AIQC_MAX_UPLOAD_MB: z.string().trim().regex(/^\d+(\.\d+)?$/, 'must be a number of megabytes such as 500').transform(Number).refine((n) => n > 0, 'must be more than 0').optional(),
});

export function consoleSettingsFromEnv(env: Record<string, string | undefined>): ConsoleSettings {
  const parsed = schema.safeParse({ ...(env.AIQC_MAX_UPLOAD_MB?.trim() ? { AIQC_MAX_UPLOAD_MB: env.AIQC_MAX_UPLOAD_MB } : {}) });
  if (!parsed.success) {
    throw new ConsoleSettingsError(`Invalid console settings in the environment: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`);
  }
  let boxConnect: BoxConnectConfig | undefined;
  try {
    boxConnect = boxConnectFromEnv(env);
  } catch (error) {
    if (error instanceof BoxConnectError) throw new ConsoleSettingsError(error.message);
    throw error;
  }
  return { maxUploadBytes: Math.round((parsed.data.AIQC_MAX_UPLOAD_MB ?? DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024), ...(boxConnect ? { boxConnect } : {}) };
}
