import { z } from 'zod';

/** Worker and sweeper settings from the environment, validated once with every problem together. */
export interface PipelineSettings {
  /** Jobs one worker process runs at once (AIQC_WORKER_CONCURRENCY, default 2). */
  concurrency: number;
  /** A claim without a heartbeat expires after this (AIQC_JOB_LEASE_S, default 60). */
  leaseMs: number;
  /** On SIGTERM, running jobs get this long to finish before they are released (AIQC_SHUTDOWN_GRACE_S, default 30). */
  shutdownGraceMs: number;
  /** AIQC_SWEEP_INTERVAL_S, default 300. */
  sweepIntervalMs: number;
  /** AIQC_SWEEP_GRACE_S, default 120: a file younger than this is left to its webhook. */
  sweepGraceMs: number;
}

export class PipelineSettingsError extends Error {
  readonly code = 'pipeline_settings';
  constructor(message: string) {
    super(message);
    this.name = 'PipelineSettingsError';
  }
}

const seconds = (min: number) => z.coerce.number().refine((n) => Number.isFinite(n) && n >= min, `must be a number of seconds ≥ ${min}`);

const envSchema = z.object({
  AIQC_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  AIQC_JOB_LEASE_S: seconds(1).default(60),
  AIQC_SHUTDOWN_GRACE_S: seconds(0).default(30),
  AIQC_SWEEP_INTERVAL_S: seconds(1).default(300),
  AIQC_SWEEP_GRACE_S: seconds(0).default(120),
});

export function pipelineSettingsFromEnv(env: Record<string, string | undefined>): PipelineSettings {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value.trim() !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new PipelineSettingsError(`Invalid worker/sweeper settings in the environment: ${problems.join('; ')}. Fix or unset them.`);
  }
  const e = parsed.data;
  return {
    concurrency: e.AIQC_WORKER_CONCURRENCY,
    leaseMs: Math.round(e.AIQC_JOB_LEASE_S * 1000),
    shutdownGraceMs: Math.round(e.AIQC_SHUTDOWN_GRACE_S * 1000),
    sweepIntervalMs: Math.round(e.AIQC_SWEEP_INTERVAL_S * 1000),
    sweepGraceMs: Math.round(e.AIQC_SWEEP_GRACE_S * 1000),
  };
}
