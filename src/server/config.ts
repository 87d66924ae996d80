import { z } from 'zod';
import type { WebhookKeys } from '../box/webhook-signature.js';
import { normaliseBasePath } from './app.js';

/** `aiqc serve` settings from the environment (validated once, every problem reported together). */
export interface ServeConfig {
  port: number;
  host: string;
  /** "" or a path like "/ai_qc". */
  basePath: string;
  webhookKeys: WebhookKeys;
}

export class ServeConfigError extends Error {
  readonly code = 'serve_config';
  constructor(message: string) {
    super(message);
    this.name = 'ServeConfigError';
  }
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '0.0.0.0';

const envSchema = z.object({
  PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
    .transform(Number)
    .refine((n) => n <= 65_535, 'must be a whole number from 0 to 65535')
    .optional(),
  HOST: z.string().trim().min(1).optional(),
  AIQC_BASE_PATH: z
    .string()
    .trim()
    .regex(/^(\/?[A-Za-z0-9._~-]+)*\/?$/, 'must be a URL path such as /ai_qc')
    .optional(),
  BOX_WEBHOOK_PRIMARY_KEY: z.string().optional(),
  BOX_WEBHOOK_SECONDARY_KEY: z.string().optional(),
});

export function serveConfigFromEnv(env: Record<string, string | undefined>): ServeConfig {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ServeConfigError(`Invalid server settings in the environment: ${problems.join('; ')}.`);
  }
  const e = parsed.data;
  return {
    port: e.PORT ?? DEFAULT_PORT,
    host: e.HOST ?? DEFAULT_HOST,
    basePath: normaliseBasePath(e.AIQC_BASE_PATH),
    webhookKeys: { primary: e.BOX_WEBHOOK_PRIMARY_KEY?.trim() || undefined, secondary: e.BOX_WEBHOOK_SECONDARY_KEY?.trim() || undefined },
  };
}
