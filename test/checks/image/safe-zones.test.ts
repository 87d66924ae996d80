/**
 * image.safe_zones through the real engine, sharp and tesseract.js OCR: 1080×1920 frames drawn
 * from SVG with copy in the middle (clear of every platform's interface) or in the bottom bar.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QcRuntime } from '../../../src/app/runtime.js';
import { aiConfigFromEnv } from '../../../src/analysis/ai/settings.js';
import { PLATFORM_ZONES } from '../../../src/checks/image/safe-zones.js';
import { renderHtml } from '../../../src/report/html.js';
import { startFakeOpenAi } from '../../fakes/openai-compatible.js';
import { inlineProfile, tempDir, testRuntime } from '../../helpers/runtime.js';
import { check, runChecks } from '../text/helpers.js';

let rt: QcRuntime;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

/** A 1080×1920 frame with a headline in the middle and, when asked, a call to action at y 1760 (the bottom 160 px). */
async function frame(name: string, bottomText: boolean, size = { width: 1080, height: 1920 }): Promise<string> {
  const { width, height } = size;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="${width}" height="${height}" fill="#fdf6e3"/>
<text x="${width / 2}" y="${height / 2}" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="96" text-anchor="middle" fill="#111">SUMMER SALE</text>
${bottomText ? `<text x="${width / 2}" y="${height - 160}" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="80" text-anchor="middle" fill="#111">SHOP NOW</text>` : ''}
</svg>`;
  const file = join(dir, name);
  await sharp(Buffer.from(svg)).png().toFile(file);
  return file;
}

async function run(file: string, params: Record<string, unknown>) {
  const report = await rt.run({ path: file, profile: inlineProfile(rt.catalogue, [{ id: 'image.safe_zones', params }]) });
  return { result: report.checks.find((c) => c.id === 'image.safe_zones')!, report };
}

describe('image.safe_zones', () => {
  it('meta_stories: centred copy passes; copy in the bottom 250 px fails, boxed where it is, and drawn on the overlay', async () => {
    const good = await run(await frame('centred.png', false), { platform: 'meta_stories' });
    expect(good.result.status, good.result.message).toBe('pass');
    expect(good.result.measured!['words_read']).toBeGreaterThanOrEqual(2);

    const bad = await run(await frame('bottom.png', true), { platform: 'meta_stories' });
    expect(bad.result.status, bad.result.message).toBe('fail');
    expect(bad.result.message).toMatch(/"SHOP NOW" in the bottom bar \(250 px\)/);
    expect(bad.result.message).not.toMatch(/SUMMER/);
    const box = bad.result.evidence![0]!.box!;
    // The baseline is at 1760 px of 1920: the word box lies within 1680–1780 px.
    expect(box.y).toBeGreaterThan(1660 / 1920);
    expect(box.y + box.h).toBeLessThan(1790 / 1920);
    expect(box.x).toBeGreaterThan(0.2);
    expect(box.x + box.w).toBeLessThan(0.8);
    const html = renderHtml(bad.report);
    expect(html).toContain('Text under the platform’s interface');
    expect(html).toMatch(/stroke="#d32f2f"/);
  });

  it('logos: where an AI model is configured, a logo it places in a zone is a warning; without one the text judgement stands and says so', async () => {
    const fake = await startFakeOpenAi();
    try {
      fake.reply({
        kind: 'verdict',
        verdict: { status: 'pass', confidence: 0.8, explanation: 'One logo: a round Acme badge near the bottom edge.', regions: [{ label: 'logo: Acme roundel', x: 0.42, y: 0.9, w: 0.16, h: 0.07 }], timecodes: [] },
      });
      const ai = aiConfigFromEnv({ AIQC_AI_PROVIDER: 'openai-compatible', AIQC_AI_MODEL: 'fake-vision-1', AIQC_AI_BASE_URL: fake.baseUrl, AIQC_AI_API_KEY: 'sk-test', AIQC_AI_CACHE: 'off', AIQC_AI_MAX_RETRIES: '0' });
      const file = await frame('logo.png', false);
      const report = await runChecks(file, [{ id: 'image.safe_zones', params: { platform: 'meta_stories' } }], { extensions: { ai } });
      const r = check(report, 'image.safe_zones');
      expect(r.status, r.message).toBe('warn');
      expect(r.message).toMatch(/the AI model places a logo \(Acme roundel\) in the bottom bar \(250 px\)/);
      expect(r.measured!['logos']).toMatch(/^1 located by openai-compatible:fake-vision-1@127\.0\.0\.1:\d+; boxes are approximate$/);
      expect(r.evidence![0]!.box).toEqual({ x: 0.42, y: 0.9, w: 0.16, h: 0.07 });
      expect(fake.requests).toHaveLength(1);
      const without = check(await runChecks(file, [{ id: 'image.safe_zones', params: { platform: 'meta_stories' } }]), 'image.safe_zones');
      expect(without.status).toBe('pass');
      expect(without.measured!['logos']).toBe('not located: no AI model configured (text only)');
    } finally {
      await fake.close();
    }
  });

  it('explicit zones are judged as given; meta_reels and tiktok catch the same call to action', async () => {
    const file = await frame('zones.png', true);
    const top = await run(file, { zones: [{ name: 'top third', x: 0, y: 0, w: 1, h: 0.33 }] });
    expect(top.result.status, top.result.message).toBe('pass');
    const reels = await run(file, { platform: 'meta_reels' });
    expect(reels.result.message).toMatch(/"SHOP NOW" in the bottom 35%/);
    const tiktok = await run(file, { platform: 'tiktok' });
    expect(tiktok.result.message).toMatch(/"SHOP NOW" in the bottom caption and CTA \(484 px\)/);
  });

  it('platform zones are for 9:16: a square image is skipped, saying why', async () => {
    const r = await run(await frame('square.png', true, { width: 1080, height: 1080 }), { platform: 'tiktok' });
    expect(r.result.status).toBe('skipped');
    expect(r.result.message).toMatch(/tiktok safe zones are for 9:16 frames; this image is 1080×1080/);
  });

  it('takes a platform or zones, not both', () => {
    expect(() => inlineProfile(rt.catalogue, [{ id: 'image.safe_zones', params: {} }])).toThrow(/either `platform`/);
    expect(() => inlineProfile(rt.catalogue, [{ id: 'image.safe_zones', params: { platform: 'tiktok', zones: [{ name: 'a', x: 0, y: 0, w: 1, h: 1 }] } }])).toThrow(/either `platform`/);
  });

  it('the zones are the published ones, in 1080×1920 pixels', () => {
    const px = (z: { x: number; y: number; w: number; h: number }) => [z.x * 1080, z.y * 1920, z.w * 1080, z.h * 1920].map((v) => Math.round(v));
    expect(PLATFORM_ZONES.meta_stories.map(px)).toEqual([[0, 0, 1080, 250], [0, 1670, 1080, 250]]);
    expect(PLATFORM_ZONES.meta_reels.map(px)).toEqual([[0, 0, 1080, 269], [0, 1248, 1080, 672], [0, 0, 65, 1920], [1015, 0, 65, 1920]]);
    expect(PLATFORM_ZONES.tiktok.map(px)).toEqual([[0, 0, 1080, 130], [0, 1436, 1080, 484], [0, 0, 60, 1920], [940, 0, 140, 1920]]);
  });
});
