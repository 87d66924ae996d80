/**
 * Video: the copy is OCR of scene keyframes (found from the av pass's samples, seeked at full
 * width), placed in time; the model is shown a storyboard of the same keyframes. The clip is
 * two scenes ffmpeg encodes from pictures sharp draws: a product shot and an end card.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { aiConfigFromEnv } from '../../../src/analysis/ai/settings.js';
import { pickKeyframes, sceneStarts } from '../../../src/analysis/text/keyframes.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../fakes/openai-compatible.js';
import { check, FIXTURES, runChecks, textImage } from '../../checks/text/helpers.js';

const run = promisify(execFile);

let video: string;
let fake: FakeOpenAi;
beforeAll(async () => {
  const shot = await textImage('scene-1.png', [{ text: 'Cold and crisp', y: 300, size: 90, color: '#ffffff' }], { width: 1280, height: 720, background: '#1a3d7c' });
  const card = await textImage('scene-2.png', [{ text: 'Spritzo', y: 300, size: 110, weight: 'bold' }, { text: 'Please drink resposibly', y: 620, size: 40 }], { width: 1280, height: 720 });
  video = join(FIXTURES, 'two-scenes.mp4');
  await run('ffmpeg', ['-y', '-loglevel', 'error', '-loop', '1', '-t', '2', '-i', shot, '-loop', '1', '-t', '2', '-i', card, '-filter_complex', '[0:v][1:v]concat=n=2:v=1,fps=10,format=yuv420p[v]', '-map', '[v]', video]);
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

test('scenes start where consecutive samples differ; one keyframe per scene, the last always kept', () => {
  const flat = (v: number) => new Uint8Array(576).fill(v);
  expect(sceneStarts([flat(10), flat(12), flat(200), flat(201), flat(90)])).toEqual([0, 2, 4]);
  expect(pickKeyframes([0, 2, 4], 6)).toEqual([0, 2, 4]);
  expect(pickKeyframes([0, 10, 20, 30], 40, 3)).toEqual([4, 24, 34]);
});

test('text checks on a video read its scene keyframes and place what they find in time', async () => {
  const report = await runChecks(video, [{ id: 'text.spelling', params: { ignore_words: ['Spritzo'] } }, { id: 'text.required_phrases', params: { phrases: ['Please drink responsibly'] } }]);
  const spelling = check(report, 'text.spelling');
  expect(spelling).toMatchObject({ status: 'fail', measured: expect.objectContaining({ words: ['resposibly'], text_source: expect.stringMatching(/on 2 keyframes$/) }) });
  const ev = spelling.evidence![0]!;
  expect(ev).toMatchObject({ label: 'resposibly → responsibly?' });
  expect(ev.start_s).toBeGreaterThanOrEqual(2);
  expect(spelling.message).toMatch(/"resposibly" at [23]\.\d s/);
  expect(check(report, 'text.required_phrases').message).toContain('"resposibly" instead of "responsibly"');
});

test('the model is shown a storyboard of the keyframes and told their times', async () => {
  fake.reply({ kind: 'verdict', verdict: { status: 'fail', confidence: 0.9, explanation: 'The end card misspells the legal line.', regions: [], timecodes: [{ label: 'end card', start_s: 2, end_s: 4 }] } });
  const report = await runChecks(video, [{ id: 'ai.prompt', params: { prompt: 'The legal line is spelled correctly.' } }], {
    extensions: { ai: aiConfigFromEnv({ AIQC_AI_PROVIDER: 'openai-compatible', AIQC_AI_MODEL: 'fake', AIQC_AI_BASE_URL: fake.baseUrl, AIQC_AI_CACHE: 'off', AIQC_AI_MAX_RETRIES: '0' }) },
  });
  expect(check(report, 'ai.prompt')).toMatchObject({ status: 'fail', evidence: [{ label: 'end card', start_s: 2, end_s: 4 }] });
  const parts = fake.requests[0]!.body.messages!.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  expect(parts.find((p) => p.type === 'text')!.text).toMatch(/storyboard of 2 scene keyframes .*\(00:0\d\.\d, 00:0[23]\.\d\)/);
  const board = await sharp(Buffer.from(parts.find((p) => p.type === 'image_url')!.image_url!.url.split(',')[1]!, 'base64')).metadata();
  expect(board.width).toBeLessThanOrEqual(1024);
  expect(board.width! / board.height!).toBeGreaterThan(3); // two 16:9 tiles side by side
});
