import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.js';
import { ConfigError } from '../../src/config/errors.js';

function problemsOf(fn: () => unknown): Array<{ path: string; message: string; fix: string }> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('readEnvironment', () => {
  it('gives every section its defaults', () => {
    const e = readEnvironment({}, ['core', 'pdf', 'ai', 'database', 'server', 'pipeline']);
    expect(e.core).toMatchObject({ maxPixels: 150_000_000, checkTimeoutMs: 300_000, ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
    expect(e.pdf).toEqual({});
    expect(e.ai).toEqual({ configured: false, reason: expect.stringContaining('AIQC_AI_PROVIDER') });
    expect(e.database).toEqual({ engine: 'sqlite', path: expect.stringMatching(/data\/aiqc\.sqlite$/) });
    expect(e.server).toEqual({ port: 8080, host: '0.0.0.0', basePath: '', webhookKeys: { primary: undefined, secondary: undefined } });
    expect(e.pipeline).toEqual({ concurrency: 2, leaseMs: 60_000, shutdownGraceMs: 30_000, sweepIntervalMs: 300_000, sweepGraceMs: 120_000 });
  });

  it('reads each section into its typed settings', () => {
    const e = readEnvironment(
      {
        PORT: '3000',
        HOST: '127.0.0.1',
        AIQC_BASE_PATH: 'ai_qc/',
        BOX_WEBHOOK_PRIMARY_KEY: 'p',
        BOX_WEBHOOK_SECONDARY_KEY: ' s ',
        AIQC_SWEEP_INTERVAL_S: '30',
        AIQC_SWEEP_GRACE_S: '0',
        DATABASE_URL: 'postgres://u:p@db:5432/aiqc',
        AIQC_DATA_DIR: '/x',
        AIQC_PDF_MAX_DETAIL_PAGES: '20',
        AIQC_GS_PATH: '/opt/gs/bin/gs',
      },
      ['server', 'pipeline', 'database', 'pdf'],
    );
    expect(e.server).toEqual({ port: 3000, host: '127.0.0.1', basePath: '/ai_qc', webhookKeys: { primary: 'p', secondary: 's' } });
    expect(e.pipeline).toMatchObject({ sweepIntervalMs: 30_000, sweepGraceMs: 0 });
    expect(e.database).toEqual({ engine: 'postgres', connectionString: 'postgres://u:p@db:5432/aiqc' });
    expect(e.pdf).toEqual({ max_detail_pages: 20, ghostscript_path: '/opt/gs/bin/gs' });
    expect(readEnvironment({ AIQC_DATA_DIR: '/var/lib/aiqc' }, ['database']).database).toEqual({ engine: 'sqlite', path: '/var/lib/aiqc/aiqc.sqlite' });
  });

  it('reports every problem of every section together, each naming the variable and the fix', () => {
    const problems = problemsOf(() =>
      readEnvironment(
        { PORT: 'eighty', AIQC_BASE_PATH: 'a b', AIQC_SWEEP_INTERVAL_S: 'often', AIQC_WORKER_CONCURRENCY: '0', DATABASE_URL: 'mysql://db/aiqc', AIQC_MAX_PIXELS: '-1', AIQC_AI_MODEL: 'x' },
        ['core', 'ai', 'database', 'server', 'pipeline'],
      ),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['AIQC_AI_PROVIDER', 'AIQC_BASE_PATH', 'AIQC_MAX_PIXELS', 'AIQC_SWEEP_INTERVAL_S', 'AIQC_WORKER_CONCURRENCY', 'DATABASE_URL', 'PORT'].sort(),
    );
    for (const p of problems) expect(p.fix).toMatch(/\b(set|unset)\b/);
    expect(problems.find((p) => p.path === 'DATABASE_URL')!.message).toMatch(/postgres:\/\//);
    expect(problemsOf(() => readEnvironment({ DATABASE_URL: 'not a url' }, ['database']))[0]!.message).toMatch(/is not a URL/);
  });

  it('reads only the sections asked for: a bad PORT does not stop `aiqc check`', () => {
    expect(() => readEnvironment({ PORT: 'eighty' }, ['core', 'ai', 'pdf'])).not.toThrow();
    expect(() => readEnvironment({ PORT: 'eighty' }, ['server'])).toThrow(/PORT/);
  });

  it('never sends the OpenAI key to an openai-compatible endpoint', () => {
    const env = { AIQC_AI_PROVIDER: 'openai-compatible', AIQC_AI_MODEL: 'm', AIQC_AI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_API_KEY: 'sk-openai-secret' };
    const ai = readEnvironment(env, ['ai']).ai;
    expect(ai.configured && ai.apiKey()).toBeUndefined();
    const own = readEnvironment({ ...env, AIQC_AI_API_KEY: 'local-key' }, ['ai']).ai;
    expect(own.configured && own.apiKey()).toBe('local-key');
  });
});

describe('the PDF section', () => {
  it('refuses a fractional page count at start-up, naming the variable (the PDF family would refuse it on every run)', () => {
    const problems = problemsOf(() => readEnvironment({ AIQC_PDF_MAX_DETAIL_PAGES: '2.5' }, ['pdf']));
    expect(problems.map((p) => p.path)).toEqual(['AIQC_PDF_MAX_DETAIL_PAGES']);
  });
});
