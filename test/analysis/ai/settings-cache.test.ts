import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { AiCache, cacheKey } from '../../../src/analysis/ai/cache.js';
import { costOf } from '../../../src/analysis/ai/judge.js';
import { aiConfigFromEnv } from '../../../src/analysis/ai/settings.js';
import { ConfigError } from '../../../src/config/errors.js';

describe('AI settings from the environment', () => {
  test('nothing set: not configured, with the variables to set', () => {
    expect(aiConfigFromEnv({})).toEqual({ configured: false, reason: expect.stringContaining('AIQC_AI_PROVIDER') });
  });

  test('every problem is reported together, naming the variable and the fix', () => {
    let error: unknown;
    try {
      aiConfigFromEnv({ AIQC_AI_PROVIDER: 'openai-compatible', AIQC_AI_PRICE_INPUT_PER_MTOK: '1' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const part of ['AIQC_AI_MODEL', 'AIQC_AI_BASE_URL', 'AIQC_AI_PRICE_INPUT_PER_MTOK']) expect(message).toContain(part);
    expect(() => aiConfigFromEnv({ AIQC_AI_PROVIDER: 'openai', AIQC_AI_MODEL: 'gpt-4.1-mini' })).toThrow(/OPENAI_API_KEY/);
    expect(() => aiConfigFromEnv({ AIQC_AI_PROVIDER: 'gemini', AIQC_AI_MODEL: 'x' })).toThrow(/AIQC_AI_PROVIDER/);
  });

  test('the key never appears when the settings are serialised', () => {
    const config = aiConfigFromEnv({ AIQC_AI_PROVIDER: 'anthropic', AIQC_AI_MODEL: 'claude-sonnet-4-5', ANTHROPIC_API_KEY: 'sk-ant-secret', AIQC_DATA_DIR: '/srv/aiqc' });
    expect(config).toMatchObject({ configured: true, provider: 'anthropic', cacheDir: '/srv/aiqc/ai-cache', timeoutMs: 90_000, maxRetries: 2, imageMaxPx: 1024 });
    expect(JSON.stringify(config)).not.toContain('sk-ant-secret');
    expect(config.configured && config.apiKey()).toBe('sk-ant-secret');
  });
});

describe('the answer cache', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('keys depend on asset, check, config (in any key order) and model', () => {
    const base = { asset_sha256: 'a'.repeat(64), check: 'ai.prompt', config: { prompt: 'x', n: 1 }, model: 'openai:gpt', images: 'max1024' };
    expect(cacheKey(base)).toBe(cacheKey({ ...base, config: { n: 1, prompt: 'x' } }));
    for (const change of [{ asset_sha256: 'b'.repeat(64) }, { check: 'ai.alcohol_code' }, { config: { prompt: 'y', n: 1 } }, { model: 'anthropic:claude' }, { images: 'max512' }]) {
      expect(cacheKey({ ...base, ...change })).not.toBe(cacheKey(base));
    }
  });

  test('round-trips an entry; a damaged file is a miss, not a crash', async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiqc-cache-'));
    const cache = new AiCache(dir);
    const key = cacheKey({ asset_sha256: 'c'.repeat(64), check: 'ai.prompt', config: {}, model: 'm', images: 'max1024' });
    const entry = { format: 1 as const, model: 'm', created_at: new Date().toISOString(), verdict: { status: 'pass' as const, confidence: 0.9, explanation: 'ok', regions: [], timecodes: [] }, usage: { input_tokens: 10 }, duration_ms: 5 };
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, entry);
    expect(await cache.get(key)).toEqual(entry);
    await writeFile(join(dir, key.slice(0, 2), `${key}.json`), '{"format": 1, "verdict": ');
    expect(await cache.get(key)).toBeUndefined();
    expect((await readdir(join(dir, key.slice(0, 2)))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('cost from tokens and per-million prices', () => {
    expect(costOf({ input_tokens: 1500, output_tokens: 200 }, { input_per_mtok: 2.5, output_per_mtok: 10 })).toBe(0.00575);
  });
});
