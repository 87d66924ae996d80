/**
 * The one place that turns AI settings into a Vercel AI SDK model. Every provider speaks
 * the same `LanguageModel` afterwards, so the checks never know which one answered.
 */
import type { LanguageModel } from 'ai';
import type { AiSettings } from './settings.js';

/** Each provider's package loads when a run first asks a model (none of them at start-up). */
export async function languageModelFor(settings: AiSettings): Promise<LanguageModel> {
  const apiKey = settings.apiKey();
  switch (settings.provider) {
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      // Chat Completions: structured outputs with images, and the same wire format as the
      // OpenAI-compatible servers (Ollama, vLLM) the checks are tested against.
      return createOpenAI({ ...(apiKey ? { apiKey } : {}), ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}) }).chat(settings.model);
    }
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return createAnthropic({ ...(apiKey ? { apiKey } : {}), ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}) })(settings.model);
    }
    case 'openai-compatible': {
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: settings.baseUrl!,
        ...(apiKey ? { apiKey } : {}),
        // Send the verdict's JSON schema as response_format (vLLM and Ollama enforce it).
        supportsStructuredOutputs: true,
      })(settings.model);
    }
  }
}

/** How the model is named in reports and cache keys (never with a key). */
export function modelLabel(settings: AiSettings): string {
  return `${settings.provider}:${settings.model}${settings.baseUrl ? `@${new URL(settings.baseUrl).host}` : ''}`;
}
