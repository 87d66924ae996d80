/**
 * A JPEG 2000 is read through the PNG FFmpeg decodes for the probe (sharp has no JP2 decoder
 * here): OCR and the AI model must be given that raster, not the original file (issue 11,
 * item 3). Before the fix both read the .jp2 itself and the checks ended in `error`
 * ("Input file contains unsupported image format").
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiConfigFromEnv } from '../../../src/analysis/ai/settings.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../fakes/openai-compatible.js';
import { check, FIXTURES, runChecks, textImage } from '../../checks/text/helpers.js';

let fake: FakeOpenAi;
let jp2: string;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  const png = await textImage('jp2-source.png', [
    { text: 'Summer Spritz', y: 300, size: 110, weight: 'bold' },
    { text: 'Please drink responsibly', y: 700, size: 72 },
  ]);
  jp2 = png.replace(/\.png$/, '.jp2');
  await promisify(execFile)('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-i', png, '-c:v', 'libopenjpeg', jp2]);
  await rm(png);
});
afterAll(() => fake.close());

describe('JPEG 2000: OCR and the model read the decoded raster', () => {
  it('finds the copy in a JP2 by OCR', async () => {
    const report = await runChecks(jp2, [{ id: 'text.required_phrases', params: { phrases: ['Please drink responsibly', 'Summer Spritz'] } }]);
    expect(report.asset.format).toBe('jp2');
    const result = check(report, 'text.required_phrases');
    expect(result.status, result.message).toBe('pass');
  });

  it('shows the model the JP2 as a JPEG', async () => {
    fake.requests.length = 0;
    fake.reply({ kind: 'verdict', verdict: { status: 'pass', confidence: 0.9, explanation: 'The line "Please drink responsibly" is legible at the bottom.', regions: [], timecodes: [] } });
    const ai = aiConfigFromEnv({ AIQC_AI_PROVIDER: 'openai-compatible', AIQC_AI_MODEL: 'fake-vision-1', AIQC_AI_BASE_URL: fake.baseUrl, AIQC_AI_API_KEY: 'sk-test', AIQC_AI_CACHE: 'off', AIQC_AI_MAX_RETRIES: '0' });
    const report = await runChecks(jp2, [{ id: 'ai.prompt', params: { prompt: 'The responsible-drinking line is legible.' } }], { extensions: { ai } });
    const result = check(report, 'ai.prompt');
    expect(result.status, result.message).toBe('pass');
    expect(fake.requests).toHaveLength(1);
    const parts = fake.requests[0]!.body.messages!.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    expect(parts.find((p) => p.type === 'image_url')?.image_url?.url).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('an SVG is read the same way: sharp (librsvg) draws it for OCR', async () => {
    const svg = `${FIXTURES}/copy.svg`;
    await writeFile(
      svg,
      '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><rect width="100%" height="100%" fill="#fff"/>' +
        '<text x="80" y="400" font-family="DejaVu Sans" font-size="90">Please drink responsibly</text></svg>',
    );
    const report = await runChecks(svg, [{ id: 'text.required_phrases', params: { phrases: ['Please drink responsibly'] } }]);
    expect(report.asset.format).toBe('svg');
    expect(check(report, 'text.required_phrases').status).toBe('pass');
  });
});
