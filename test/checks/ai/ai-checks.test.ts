import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { aiConfigFromEnv } from '../../../src/analysis/ai/settings.js';
import { reportSchema } from '../../../src/report/schema.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../fakes/openai-compatible.js';
import { check, FIXTURES, runChecks, textImage } from '../text/helpers.js';

const good = {
  status: 'fail',
  confidence: 0.92,
  explanation: 'The logo is stretched horizontally.',
  regions: [{ label: 'stretched logo', x: 0.1, y: 0.2, w: 0.3, h: 0.1 }],
  timecodes: [],
};

let fake: FakeOpenAi;
let image: string;
let cacheRoot: string;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  image = await textImage('ai-poster.jpg', [{ text: 'Summer Spritz', y: 500, size: 96, weight: 'bold' }, { text: 'Please drink responsibly', y: 900, size: 36 }]);
  cacheRoot = await mkdtemp(join(tmpdir(), 'aiqc-ai-cache-'));
});
afterAll(async () => {
  await fake.close();
  await rm(cacheRoot, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
});

/** AI settings exactly as `aiConfigFromEnv` builds them, pointed at the fake server. */
function aiEnv(overrides: Record<string, string> = {}) {
  return {
    ai: aiConfigFromEnv({
      AIQC_AI_PROVIDER: 'openai-compatible',
      AIQC_AI_MODEL: 'fake-vision-1',
      AIQC_AI_BASE_URL: fake.baseUrl,
      AIQC_AI_API_KEY: 'sk-test-secret-key-123',
      AIQC_AI_CACHE: 'off',
      AIQC_AI_MAX_RETRIES: '0',
      AIQC_AI_PRICE_INPUT_PER_MTOK: '0.4',
      AIQC_AI_PRICE_OUTPUT_PER_MTOK: '1.6',
      ...overrides,
    }),
  };
}

describe('ai.prompt against an OpenAI-compatible server', () => {
  test('a good answer becomes the verdict, with tokens, cost and the regions as evidence; the request carried the image and the schema', async () => {
    fake.reply({ kind: 'verdict', verdict: good, usage: { prompt_tokens: 1000, completion_tokens: 50 } });
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions: aiEnv() });
    const result = check(report, 'ai.prompt');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('The logo is stretched horizontally.');
    expect(result.measured).toMatchObject({ model: `openai-compatible:fake-vision-1@${new URL(fake.baseUrl).host}`, input_tokens: 1000, output_tokens: 50, cost_usd: 0.00048, cached: false });
    expect(result.evidence).toEqual([{ label: 'stretched logo', box: { x: 0.1, y: 0.2, w: 0.3, h: 0.1 } }]);

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.refused).toBeUndefined();
    expect(sent.headers.authorization).toBe('Bearer sk-test-secret-key-123');
    const parts = sent.body.messages!.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    const url = parts.find((p) => p.type === 'image_url')!.image_url!.url;
    const sentImage = await sharp(Buffer.from(url.split(',')[1]!, 'base64')).metadata();
    expect([sentImage.format, sentImage.width, sentImage.height]).toEqual(['jpeg', 1024, 576]); // 1920×1080 downscaled
    expect(parts.some((p) => p.type === 'text' && p.text?.includes('The logo keeps its proportions.'))).toBe(true);
    expect(sent.body.response_format?.json_schema?.schema?.required).toEqual(expect.arrayContaining(['status', 'confidence', 'explanation', 'regions', 'timecodes']));

    expect(JSON.stringify(report)).not.toContain('sk-test-secret-key-123');
    expect(reportSchema.safeParse(report).success).toBe(true);
  });

  test('a malformed answer is an error naming the reason, and the run goes on', async () => {
    fake.reply({ kind: 'content', content: '{"status": "maybe", "confidence": "high"' });
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }, { id: 'file.size', params: { max: '10 MB' } }], { extensions: aiEnv() });
    const result = check(report, 'ai.prompt');
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/the model's answer is not a valid verdict/);
    expect(check(report, 'file.size').status).toBe('pass');
    expect(report.verdict).toBe('fail');
  });

  test('an answer of the wrong shape (valid JSON, invalid verdict) is an error too', async () => {
    fake.reply({ kind: 'content', content: JSON.stringify({ ...good, status: 'maybe' }) });
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions: aiEnv() });
    const result = check(report, 'ai.prompt');
    expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(/not a valid verdict \(it does not match the verdict schema: status/) });
  });

  test('a slow answer is cut off at AIQC_AI_TIMEOUT_S with that reason', async () => {
    fake.reply({ kind: 'slow', delay_ms: 5000, verdict: good });
    const started = performance.now();
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions: aiEnv({ AIQC_AI_TIMEOUT_S: '1' }) });
    expect(check(report, 'ai.prompt')).toMatchObject({ status: 'error', message: expect.stringMatching(/did not answer within 1 s \(AIQC_AI_TIMEOUT_S\)/) });
    expect(performance.now() - started).toBeLessThan(4000);
  });

  test('a 5xx is retried, and the retry’s answer is used', async () => {
    fake.reply({ kind: 'http', status: 503, message: 'overloaded' }, { kind: 'verdict', verdict: { ...good, status: 'pass', confidence: 0.95 } });
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions: aiEnv({ AIQC_AI_MAX_RETRIES: '1' }) });
    expect(check(report, 'ai.prompt').status).toBe('pass');
    expect(fake.requests).toHaveLength(2);
  });

  test('a refused request (HTTP 401) is an error that never shows the key', async () => {
    fake.reply({ kind: 'http', status: 401, message: 'Incorrect API key provided: sk-test-secret-key-123' });
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions: aiEnv() });
    const result = check(report, 'ai.prompt');
    expect(result.status).toBe('error');
    expect(result.message).toContain('HTTP 401');
    expect(JSON.stringify(report)).not.toContain('sk-test-secret-key-123');
  });

  test('answers are cached by asset, check config and model: the second run asks nothing', async () => {
    const extensions = aiEnv({ AIQC_AI_CACHE: 'on', AIQC_DATA_DIR: cacheRoot });
    fake.reply({ kind: 'verdict', verdict: good });
    const first = check(await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions }), 'ai.prompt');
    const second = check(await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions }), 'ai.prompt');
    const other = check(await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The headline is legible.' } }], { extensions }), 'ai.prompt');
    expect(fake.requests).toHaveLength(2); // the first and the different prompt
    expect(first.measured).toMatchObject({ cached: false });
    expect(second.measured).toMatchObject({ cached: true, cost_usd: 0, input_tokens: 812 });
    expect(second.message).toBe(first.message);
    expect(other.measured).toMatchObject({ cached: false });
    expect((await readdir(join(cacheRoot, 'ai-cache'), { recursive: true })).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });
});

describe('built-in AI checks', () => {
  test('without a model every AI check is skipped, saying how to configure one', async () => {
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }, { id: 'ai.alcohol_code' }, { id: 'ai.brand_guidelines' }], { extensions: { ai: aiConfigFromEnv({}) } });
    for (const id of ['ai.prompt', 'ai.alcohol_code', 'ai.brand_guidelines']) {
      expect(check(report, id)).toMatchObject({ status: 'skipped', message: expect.stringContaining('set AIQC_AI_PROVIDER') });
    }
    expect(fake.requests).toHaveLength(0);
  });

  test('ai.brand_guidelines sends the client’s guideline text; without guidelines it is skipped with the fix', async () => {
    fake.reply({ kind: 'verdict', verdict: { ...good, status: 'pass', confidence: 0.9, explanation: 'Colours and logo follow the guidelines.', regions: [] } });
    const client = { id: 'acme', name: 'Acme Drinks', guidelines: 'Logo always on the bottom right. Never use the colour pink.' };
    const report = await runChecks(image, [{ id: 'ai.brand_guidelines' }], { client, extensions: aiEnv() });
    expect(check(report, 'ai.brand_guidelines')).toMatchObject({ status: 'pass', measured: expect.objectContaining({ client: 'acme' }) });
    const text = JSON.stringify(fake.requests[0]!.body.messages);
    expect(text).toContain('Never use the colour pink.');

    const none = await runChecks(image, [{ id: 'ai.brand_guidelines' }], { client: { id: 'plain', name: 'Plain' }, extensions: aiEnv() });
    expect(check(none, 'ai.brand_guidelines')).toMatchObject({ status: 'skipped', message: expect.stringContaining('add `guidelines` to clients.plain') });
  });

  test('ai.alcohol_code never passes what the model flags, nor a pass it is unsure of: both go to human review as warn', async () => {
    fake.reply(
      { kind: 'verdict', verdict: { ...good, status: 'fail', confidence: 0.7, explanation: 'The woman on the left may be under 25.' } },
      { kind: 'verdict', verdict: { ...good, status: 'pass', confidence: 0.55, explanation: 'No breach seen.', regions: [] } },
      { kind: 'verdict', verdict: { ...good, status: 'pass', confidence: 0.93, explanation: 'Message visible; adults only; no claims.', regions: [] } },
    );
    const flagged = check(await runChecks(image, [{ id: 'ai.alcohol_code' }], { extensions: aiEnv() }), 'ai.alcohol_code');
    const unsure = check(await runChecks(image, [{ id: 'ai.alcohol_code' }], { extensions: aiEnv() }), 'ai.alcohol_code');
    const clear = check(await runChecks(image, [{ id: 'ai.alcohol_code' }], { extensions: aiEnv() }), 'ai.alcohol_code');
    expect(flagged).toMatchObject({ status: 'warn', message: expect.stringMatching(/^flagged for human review: The woman on the left may be under 25/) });
    expect(unsure).toMatchObject({ status: 'warn', message: expect.stringMatching(/only 55% sure/) });
    expect(clear.status).toBe('pass');
    expect(JSON.stringify(fake.requests[0]!.body.messages)).toContain('looks younger than 25');
  });
});

describe('what the model is shown', () => {
  test('a PDF is shown as its rendered pages, each an image of the one request', async () => {
    const ps = join(FIXTURES, 'two-pages.ps');
    const pdf = join(FIXTURES, 'two-pages.pdf');
    await writeFile(ps, ['%!PS', '<< /PageSize [595 842] >> setpagedevice', '/Helvetica findfont 40 scalefont setfont 60 700 moveto (Page one) show showpage', '60 700 moveto (Page two) show showpage'].join('\n'));
    await promisify(execFile)('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', `-sOutputFile=${pdf}`, ps]);
    fake.reply({ kind: 'verdict', verdict: { ...good, status: 'pass', regions: [] } });
    const report = await runChecks(pdf, [{ id: 'ai.prompt', params: { prompt: 'Every page has a headline.' } }], { extensions: aiEnv() });
    expect(check(report, 'ai.prompt')).toMatchObject({ status: 'pass', measured: expect.objectContaining({ shown: [expect.stringMatching(/^page 1 of 2/), expect.stringMatching(/^page 2 of 2/)] }) });
    const parts = fake.requests[0]!.body.messages!.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    expect(parts.filter((p) => p.type === 'image_url')).toHaveLength(2);
  });
});

describe('providers', () => {
  test('the openai provider (Chat Completions, strict structured output) works against the same wire format', async () => {
    fake.reply({ kind: 'verdict', verdict: { ...good, status: 'pass', confidence: 0.9, regions: [] } });
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], {
      extensions: { ai: aiConfigFromEnv({ AIQC_AI_PROVIDER: 'openai', AIQC_AI_MODEL: 'gpt-4.1-mini', OPENAI_API_KEY: 'sk-openai-test', AIQC_AI_BASE_URL: fake.baseUrl, AIQC_AI_CACHE: 'off' }) },
    });
    expect(check(report, 'ai.prompt')).toMatchObject({ status: 'pass', measured: expect.objectContaining({ model: expect.stringMatching(/^openai:gpt-4\.1-mini@/) }) });
    const sent = fake.requests[0]!;
    expect(sent.refused).toBeUndefined();
    expect(sent.headers.authorization).toBe('Bearer sk-openai-test');
    expect(sent.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'qc_verdict', strict: true, schema: { additionalProperties: false } } });
  });

  test('openai-compatible never sends OPENAI_API_KEY to its custom endpoint: only AIQC_AI_API_KEY goes there', async () => {
    fake.reply({ kind: 'verdict', verdict: { ...good, status: 'pass', confidence: 0.9, regions: [] } });
    const env = { AIQC_AI_PROVIDER: 'openai-compatible', AIQC_AI_MODEL: 'fake-vision-1', OPENAI_API_KEY: 'sk-openai-account-key', AIQC_AI_BASE_URL: fake.baseUrl, AIQC_AI_CACHE: 'off' };
    await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions: { ai: aiConfigFromEnv(env) } });
    expect(fake.requests).toHaveLength(1);
    expect(JSON.stringify(fake.requests[0]!.headers)).not.toContain('sk-openai-account-key');
    fake.requests.length = 0;
    await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], { extensions: { ai: aiConfigFromEnv({ ...env, AIQC_AI_API_KEY: 'sk-endpoint-key' }) } });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-endpoint-key');
  });

  test('the anthropic provider sends the image block and the schema as output_config, and reads the answer', async () => {
    fake.reply({ kind: 'verdict', verdict: { ...good, status: 'warn', confidence: 0.6 }, usage: { prompt_tokens: 1500, completion_tokens: 90 } });
    const report = await runChecks(image, [{ id: 'ai.prompt', params: { prompt: 'The logo keeps its proportions.' } }], {
      extensions: { ai: aiConfigFromEnv({ AIQC_AI_PROVIDER: 'anthropic', AIQC_AI_MODEL: 'claude-sonnet-4-5', ANTHROPIC_API_KEY: 'sk-ant-test', AIQC_AI_BASE_URL: fake.baseUrl, AIQC_AI_CACHE: 'off' }) },
    });
    expect(check(report, 'ai.prompt')).toMatchObject({ status: 'warn', measured: expect.objectContaining({ model: expect.stringMatching(/^anthropic:claude-sonnet-4-5@/), input_tokens: 1500, output_tokens: 90 }), evidence: [expect.objectContaining({ label: 'stretched logo' })] });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.refused).toBeUndefined();
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(JSON.stringify(report)).not.toContain('sk-ant-test');
  });
});
