/**
 * OCR on art with more than two tones. Tesseract's default single Otsu threshold fell between
 * a navy band and a red CTA bar, turned the red bar white and lost its white "SHOP NOW", so
 * image.safe_zones passed a frame with copy under Meta's bottom bar. Frames drawn by sharp from
 * SVG (DejaVu Sans); OCR is the real tesseract.js worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withOcrWorker } from '../../../src/analysis/text/ocr.js';
import { check, runChecks } from '../../checks/text/helpers.js';

let dir: string;
let frame: string;

/** 1080×1920: navy band on top (0–420 px), body copy centred, red bar 1660–1920 px with white bold "SHOP NOW" on its baseline at 1790 px. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiqc-ocr-mixed-'));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1920">
<rect width="1080" height="1920" fill="#f4efe6"/>
<rect width="1080" height="420" fill="#0b1f4b"/>
<text x="540" y="960" font-family="DejaVu Sans" font-size="72" text-anchor="middle" fill="#1b1b1b">Fresh roast coffee</text>
<rect y="1660" width="1080" height="260" fill="#d32f2f"/>
<text x="540" y="1790" font-family="DejaVu Sans" font-weight="bold" font-size="80" text-anchor="middle" fill="#ffffff">SHOP NOW</text>
</svg>`;
  frame = join(dir, 'navy-cream-red.png');
  await sharp(Buffer.from(svg)).png().toFile(frame);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('white copy on a red bar is read when a navy band shares the frame, boxed inside the bar', async () => {
  const page = await withOcrWorker(['eng'], dir, new AbortController().signal, (read) => read(frame));
  expect(page.words.map((w) => w.text)).toEqual(['Fresh', 'roast', 'coffee', 'SHOP', 'NOW']);
  const shop = page.words.filter((w) => w.text === 'SHOP' || w.text === 'NOW');
  for (const w of shop) {
    expect(w.confidence).toBeGreaterThan(80);
    // Capitals 80 px tall on the baseline at 1790 px: the box lies within the bar (1660–1920 px).
    expect(w.box.y).toBeGreaterThan(1660 / 1920);
    expect(w.box.y + w.box.h).toBeLessThan(1800 / 1920);
  }
});

test('image.safe_zones fails the frame for meta_stories, naming the copy in the bottom bar', async () => {
  const report = await runChecks(frame, [{ id: 'image.safe_zones', params: { platform: 'meta_stories' } }]);
  const r = check(report, 'image.safe_zones');
  expect(r.status, r.message).toBe('fail');
  expect(r.message).toMatch(/"SHOP NOW" in the bottom bar \(250 px\)/);
  expect(r.message).not.toMatch(/Fresh|roast|coffee/);
  const box = r.evidence![0]!.box!;
  expect(box.y).toBeGreaterThan(1660 / 1920);
  expect(box.x).toBeGreaterThan(0.2);
  expect(box.x + box.w).toBeLessThan(0.8);
});
