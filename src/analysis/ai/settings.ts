/**
 * Which model the AI checks ask: parsed with the rest of the environment in
 * src/config/environment.ts and handed to the engine as `env.extensions.ai`.
 */
import { AI_NOT_CONFIGURED, readEnvironment, type AiConfig, type Env } from '../../config/environment.js';
import type { QcEnvironment } from '../../qc/types.js';

declare module '../../qc/types.js' {
  interface FamilySettings {
    /** The AI section of the environment; absent means no model is configured. */
    ai?: AiConfig;
  }
}

export { AI_PROVIDERS, type AiConfig, type AiNotConfigured, type AiProvider, type AiSettings } from '../../config/environment.js';

/** The AI section of the environment (src/config/environment.ts); no provider or model means AI checks are skipped. */
export function aiConfigFromEnv(env: Env = process.env): AiConfig {
  return readEnvironment(env, ['ai']).ai;
}

/** The AI settings the engine was given (`env.extensions.ai`); absent means not configured. */
export function aiConfigOf(env: QcEnvironment): AiConfig {
  return env.extensions.ai ?? { configured: false, reason: AI_NOT_CONFIGURED };
}
