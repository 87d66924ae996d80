/**
 * Which model the AI checks ask: parsed with the rest of the environment in
 * src/config/environment.ts and handed to the engine as `env.extensions.ai`.
 */
import { AI_NOT_CONFIGURED, readEnvironment, type AiConfig, type Env } from '../../config/environment.js';

export { AI_PROVIDERS, type AiConfig, type AiNotConfigured, type AiProvider, type AiSettings } from '../../config/environment.js';

/** The AI section of the environment (src/config/environment.ts); no provider or model means AI checks are skipped. */
export function aiConfigFromEnv(env: Env = process.env): AiConfig {
  return readEnvironment(env, ['ai']).ai;
}

/** The AI settings the engine was given (`env.extensions.ai`); absent means not configured. */
export function aiConfigOf(extensions: Record<string, unknown>): AiConfig {
  const value = extensions['ai'] as AiConfig | undefined;
  if (!value || typeof value !== 'object' || typeof value.configured !== 'boolean') return { configured: false, reason: AI_NOT_CONFIGURED };
  return value;
}
