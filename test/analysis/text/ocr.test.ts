import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ocrDataDir, prepareForOcr, withOcrWorker } from '../../../src/analysis/text/ocr.js';
import { ToolMissingError } from '../../../src/qc/errors.js';
import { textImage } from '../../checks/text/helpers.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'aiqc-ocr-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

test('language data comes from node_modules; a missing language says what to install', () => {
  expect(ocrDataDir('eng')).toMatch(/node_modules\/@tesseract\.js-data\/eng\/4\.0\.0_best_int$/);
  expect(() => ocrDataDir('deu')).toThrow(ToolMissingError);
  expect(() => ocrDataDir('deu')).toThrow(/npm install @tesseract\.js-data\/deu/);
});

test('images are brought into the size range OCR reads best, keeping their proportions', async () => {
  const small = await sharp({ create: { width: 400, height: 100, channels: 3, background: '#fff' } }).png().toBuffer();
  const huge = await sharp({ create: { width: 6000, height: 3000, channels: 3, background: '#fff' } }).png().toBuffer();
  expect(await prepareForOcr(small)).toMatchObject({ width: 1600, height: 400, sourceWidth: 400, sourceHeight: 100 });
  expect(await prepareForOcr(huge)).toMatchObject({ width: 3000, height: 1500 });
});

test('sparse copy keeps a light background after preprocessing (percentile stretch would blacken it)', async () => {
  const img = await textImage('sparse.png', [{ text: 'Drink responsibly', y: 1000, size: 24 }], { width: 1920, height: 1080 });
  const prepared = await prepareForOcr(img);
  const stats = await sharp(prepared.png).stats();
  expect(stats.channels[0]!.mean).toBeGreaterThan(200);
});

test('words come with confidence and boxes in fractions of the image', async () => {
  const img = await textImage('ocr-words.png', [{ text: 'Cold brew coffee', x: 100, y: 150, size: 64 }], { width: 1000, height: 300 });
  const page = await withOcrWorker(['eng'], scratch, new AbortController().signal, (read) => read(img));
  expect(page.words.map((w) => w.text)).toEqual(['Cold', 'brew', 'coffee']);
  for (const w of page.words) expect(w.confidence).toBeGreaterThan(80);
  const first = page.words[0]!.box;
  // "Cold" starts at x = 100 px of 1000 and sits on the baseline at y = 150 px of 300.
  expect(first.x).toBeCloseTo(0.1, 1);
  expect(first.y + first.h).toBeCloseTo(0.5, 1);
});

test('an aborted run does not start OCR', async () => {
  const abort = new AbortController();
  abort.abort(new Error('stopped'));
  await expect(withOcrWorker(['eng'], scratch, abort.signal, async () => 'never')).rejects.toThrow('stopped');
});

test('aborting during OCR stops it at once', async () => {
  const img = await textImage('ocr-words.png', [{ text: 'Cold brew coffee', x: 100, y: 150, size: 64 }], { width: 1000, height: 300 });
  const abort = new AbortController();
  const started = performance.now();
  const work = withOcrWorker(['eng'], scratch, abort.signal, (read) => {
    setTimeout(() => abort.abort(new Error('check timed out')), 50);
    return read(img);
  });
  await expect(work).rejects.toThrow('check timed out');
  expect(performance.now() - started).toBeLessThan(2000);
});
