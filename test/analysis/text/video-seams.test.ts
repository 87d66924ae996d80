/**
 * The video seams, before the av family lands: a video's text is OCR of its scene keyframes
 * (one page per frame, placed by time), and the model is shown a storyboard of them. The
 * keyframes here are drawn by sharp, standing in for the av family's; the video file itself
 * is a real one ffmpeg writes, so the engine sniffs a real video.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { aiConfigFromEnv } from '../../../src/analysis/ai/settings.js';
import { createVideoVisual } from '../../../src/analysis/ai/visual.js';
import { createVideoTextSource, type VideoKeyframe } from '../../../src/analysis/text/sources.js';
import type { KindHandler } from '../../../src/qc/types.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../fakes/openai-compatible.js';
import { check, FIXTURES, runChecks, textImage } from '../../checks/text/helpers.js';

const run = promisify(execFile);
const testVideoKind: KindHandler = { kind: 'video', probe: { id: 'test.video.probe', compute: async () => ({ format: 'mp4', info: {}, details: {} }) } };

let video: string;
let keyframes: VideoKeyframe[];
let fake: FakeOpenAi;
beforeAll(async () => {
  video = join(FIXTURES, 'one-second.mp4');
  await textImage('keep-dir.png', [], { width: 8, height: 8 });
  await run('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10:duration=1', '-pix_fmt', 'yuv420p', video]);
  keyframes = [
    { time_s: 0.5, image: await readFile(await textImage('kf-1.png', [{ text: 'Cold and crisp', y: 300, size: 90 }], { width: 1280, height: 720 })) },
    { time_s: 6.2, image: await readFile(await textImage('kf-2.png', [{ text: 'Please drink resposibly', y: 600, size: 60 }], { width: 1280, height: 720 })) },
  ];
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

test('text checks on a video read its keyframes and place what they find in time', async () => {
  const report = await runChecks(video, [{ id: 'text.spelling' }, { id: 'text.required_phrases', params: { phrases: ['Please drink responsibly'] } }], {
    kinds: [testVideoKind],
    extensions: { text: { sources: { video: createVideoTextSource(async () => keyframes) } } },
  });
  const spelling = check(report, 'text.spelling');
  expect(spelling).toMatchObject({ status: 'fail', message: expect.stringContaining('"resposibly" at 6.2 s'), measured: expect.objectContaining({ text_source: expect.stringMatching(/on 2 keyframes$/) }) });
  expect(spelling.evidence![0]).toMatchObject({ start_s: 6.2, label: 'resposibly → responsibly?' });
  expect(check(report, 'text.required_phrases').message).toContain('"resposibly" instead of "responsibly"');
});

test('the model is shown a storyboard of the keyframes, told their times, and may answer with timecodes', async () => {
  fake.reply({ kind: 'verdict', verdict: { status: 'fail', confidence: 0.9, explanation: 'The end card misspells the legal line.', regions: [], timecodes: [{ label: 'end card', start_s: 6.2, end_s: 8 }] } });
  const report = await runChecks(video, [{ id: 'ai.prompt', params: { prompt: 'The legal line is spelled correctly.' } }], {
    kinds: [testVideoKind],
    extensions: {
      ai: aiConfigFromEnv({ AIQC_AI_PROVIDER: 'openai-compatible', AIQC_AI_MODEL: 'fake', AIQC_AI_BASE_URL: fake.baseUrl, AIQC_AI_CACHE: 'off', AIQC_AI_MAX_RETRIES: '0' }),
      // The AI visual seam is by kind too; tests reach it through createVideoVisual.
    },
  });
  // No video visual is registered on this branch: the check says so instead of guessing.
  expect(check(report, 'ai.prompt')).toMatchObject({ status: 'skipped', message: expect.stringContaining('showing video files to the model is not supported') });

  const shown = await createVideoVisual(async () => keyframes)({ get: () => Promise.reject(new Error('unused')) } as never, 1024);
  expect(shown).toHaveLength(1);
  expect(shown[0]!.caption).toContain('storyboard of 2 scene keyframes');
  expect(shown[0]!.caption).toContain('00:00.5, 00:06.2');
  expect(shown[0]!.width).toBeLessThanOrEqual(1024);
});
