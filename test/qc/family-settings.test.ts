/**
 * Each family's settings travel typed from the environment to the family (issue 12): the
 * runtime hands `readEnvironment`'s AI and PDF sections to the engine as `env.extensions`,
 * and the families read them by property, not by string key and cast.
 */
import { describe, expect, it } from 'vitest';
import { aiConfigOf } from '../../src/analysis/ai/settings.js';
import { pdfSettings } from '../../src/analysis/pdf/settings.js';
import { createQcRuntimeFromEnv } from '../../src/app/runtime.js';
import type { FamilySettings } from '../../src/qc/types.js';
import { tempDir } from '../helpers/runtime.js';

describe('family settings', () => {
  it('reach the AI and PDF families typed, from the environment', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const runtime = await createQcRuntimeFromEnv({
        AIQC_CONFIG_DIR: dir,
        AIQC_AI_PROVIDER: 'openai-compatible',
        AIQC_AI_MODEL: 'qwen2.5vl:7b',
        AIQC_AI_BASE_URL: 'http://127.0.0.1:11434/v1',
        AIQC_PDF_MAX_DETAIL_PAGES: '12',
      });
      const env = runtime.deps.env;
      const ai = aiConfigOf(env);
      expect(ai.configured && ai.model).toBe('qwen2.5vl:7b');
      expect(pdfSettings(env)).toMatchObject({ max_detail_pages: 12, max_file_mb: 500 });
      expect(aiConfigOf({ ...env, extensions: {} })).toMatchObject({ configured: false });
    } finally {
      await cleanup();
    }
  });

  it('are checked by the compiler (npm run typecheck compiles this file)', () => {
    // @ts-expect-error a PDF limit is a number, not a string
    const wrongPdf: FamilySettings = { pdf: { max_file_mb: 'big' } };
    // @ts-expect-error the AI entry is an AiConfig, not any object
    const wrongAi: FamilySettings = { ai: { model: 'x' } };
    expect([wrongPdf, wrongAi]).toHaveLength(2);
  });
});
