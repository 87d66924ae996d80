/**
 * Which model the AI checks ask, from the environment, parsed once at the edge (like
 * src/config/settings.ts) and handed to the engine as `env.extensions.ai`. Keys are held
 * behind a function so that serialising the settings (a log line, a report) never prints them.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, problemsFromZod } from '../../config/errors.js';

export const AI_PROVIDERS = ['openai', 'anthropic', 'openai-compatible'] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];

const number = (fallback: number) => z.coerce.number().positive().default(fallback);

const aiEnvSchema = z.object({
  AIQC_AI_PROVIDER: z.enum(AI_PROVIDERS).optional().meta({ description: 'openai | anthropic | openai-compatible (Ollama, vLLM, LM Studio…)' }),
  AIQC_AI_MODEL: z.string().min(1).optional().meta({ description: 'e.g. gpt-4.1-mini, claude-sonnet-4-5, qwen2.5vl:7b' }),
  AIQC_AI_BASE_URL: z.url().optional().meta({ description: 'API base URL; required for openai-compatible (e.g. http://127.0.0.1:11434/v1)' }),
  AIQC_AI_API_KEY: z.string().optional().meta({ description: 'Key for openai-compatible endpoints (the only key sent to AIQC_AI_BASE_URL there; OPENAI_API_KEY never is); OPENAI_API_KEY / ANTHROPIC_API_KEY are used for their providers' }),
  OPENAI_API_KEY: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  AIQC_AI_TIMEOUT_S: number(90).meta({ description: 'Time limit of one model call, retries included' }),
  AIQC_AI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2).meta({ description: 'Retries of a failed call (429, 5xx, network), with backoff' }),
  AIQC_AI_IMAGE_MAX_PX: z.coerce.number().int().min(256).max(4096).default(1024).meta({ description: 'Long side of the image sent to the model' }),
  AIQC_AI_PRICE_INPUT_PER_MTOK: z.coerce.number().min(0).optional().meta({ description: 'USD per million input tokens, for the cost in reports' }),
  AIQC_AI_PRICE_OUTPUT_PER_MTOK: z.coerce.number().min(0).optional().meta({ description: 'USD per million output tokens' }),
  AIQC_AI_CACHE: z.enum(['on', 'off']).default('on').meta({ description: 'Cache answers by (asset, check config, model) under AIQC_DATA_DIR/ai-cache' }),
  AIQC_DATA_DIR: z.string().default('./data'),
});

export interface AiSettings {
  configured: true;
  provider: AiProvider;
  model: string;
  baseUrl?: string;
  /** The API key, behind a function so it is never serialised. */
  apiKey: () => string | undefined;
  timeoutMs: number;
  maxRetries: number;
  imageMaxPx: number;
  price?: { input_per_mtok: number; output_per_mtok: number };
  /** Folder of cached answers; undefined when caching is off. */
  cacheDir?: string;
}

export interface AiNotConfigured {
  configured: false;
  reason: string;
}

export type AiConfig = AiSettings | AiNotConfigured;

const NOT_CONFIGURED = 'no AI model is configured: set AIQC_AI_PROVIDER (openai, anthropic or openai-compatible), AIQC_AI_MODEL and the API key to run AI checks';

/** Read the AI settings; no provider or model means AI checks are skipped (not an error). */
export function aiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AiConfig {
  const parsed = aiEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new ConfigError('environment', problemsFromZod(parsed.error).map((p) => ({ ...p, fix: `set ${p.path} to a valid value (${p.fix})` })));
  }
  const e = parsed.data;
  if (!e.AIQC_AI_PROVIDER && !e.AIQC_AI_MODEL) return { configured: false, reason: NOT_CONFIGURED };
  const problems = [];
  if (!e.AIQC_AI_PROVIDER) problems.push({ path: 'AIQC_AI_PROVIDER', message: 'AIQC_AI_MODEL is set but no provider', fix: `set AIQC_AI_PROVIDER to one of: ${AI_PROVIDERS.join(', ')}` });
  if (!e.AIQC_AI_MODEL) problems.push({ path: 'AIQC_AI_MODEL', message: 'AIQC_AI_PROVIDER is set but no model', fix: 'set AIQC_AI_MODEL to the model id the provider knows' });
  if (e.AIQC_AI_PROVIDER === 'openai-compatible' && !e.AIQC_AI_BASE_URL) {
    problems.push({ path: 'AIQC_AI_BASE_URL', message: 'openai-compatible needs the endpoint', fix: 'set AIQC_AI_BASE_URL, e.g. http://127.0.0.1:11434/v1 for Ollama' });
  }
  // A custom endpoint gets only its own key: falling back to OPENAI_API_KEY would send the
  // OpenAI account's key to whatever host AIQC_AI_BASE_URL names.
  const key = e.AIQC_AI_PROVIDER === 'anthropic' ? e.ANTHROPIC_API_KEY : e.AIQC_AI_PROVIDER === 'openai' ? e.OPENAI_API_KEY : e.AIQC_AI_API_KEY;
  if (!key && e.AIQC_AI_PROVIDER === 'openai') problems.push({ path: 'OPENAI_API_KEY', message: 'the OpenAI provider needs an API key', fix: 'set OPENAI_API_KEY' });
  if (!key && e.AIQC_AI_PROVIDER === 'anthropic') problems.push({ path: 'ANTHROPIC_API_KEY', message: 'the Anthropic provider needs an API key', fix: 'set ANTHROPIC_API_KEY' });
  if ((e.AIQC_AI_PRICE_INPUT_PER_MTOK === undefined) !== (e.AIQC_AI_PRICE_OUTPUT_PER_MTOK === undefined)) {
    problems.push({ path: 'AIQC_AI_PRICE_INPUT_PER_MTOK', message: 'input and output prices go together', fix: 'set both AIQC_AI_PRICE_INPUT_PER_MTOK and AIQC_AI_PRICE_OUTPUT_PER_MTOK, or neither' });
  }
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return {
    configured: true,
    provider: e.AIQC_AI_PROVIDER!,
    model: e.AIQC_AI_MODEL!,
    ...(e.AIQC_AI_BASE_URL ? { baseUrl: e.AIQC_AI_BASE_URL } : {}),
    apiKey: () => key,
    timeoutMs: e.AIQC_AI_TIMEOUT_S * 1000,
    maxRetries: e.AIQC_AI_MAX_RETRIES,
    imageMaxPx: e.AIQC_AI_IMAGE_MAX_PX,
    ...(e.AIQC_AI_PRICE_INPUT_PER_MTOK !== undefined && e.AIQC_AI_PRICE_OUTPUT_PER_MTOK !== undefined
      ? { price: { input_per_mtok: e.AIQC_AI_PRICE_INPUT_PER_MTOK, output_per_mtok: e.AIQC_AI_PRICE_OUTPUT_PER_MTOK } }
      : {}),
    ...(e.AIQC_AI_CACHE === 'on' ? { cacheDir: resolve(e.AIQC_DATA_DIR, 'ai-cache') } : {}),
  };
}

/** The AI settings the engine was given (`env.extensions.ai`); absent means not configured. */
export function aiConfigOf(extensions: Record<string, unknown>): AiConfig {
  const value = extensions['ai'] as AiConfig | undefined;
  if (!value || typeof value !== 'object' || typeof value.configured !== 'boolean') return { configured: false, reason: NOT_CONFIGURED };
  return value;
}
