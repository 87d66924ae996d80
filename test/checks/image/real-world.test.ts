/**
 * Image classes that were wrong on real files nobody here made (issue 11). The files are in
 * test/fixtures/real-world/ (source and licence in the README there); each expectation was
 * cross-checked with ImageMagick's `identify` (see that README).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QcRuntime } from '../../../src/app/runtime.js';
import { inlineProfile, tempDir, testRuntime } from '../../helpers/runtime.js';

const real = (name: string) => fileURLToPath(new URL(`../../fixtures/real-world/${name}`, import.meta.url));

let rt: QcRuntime;
let cleanup: () => Promise<void>;
let dir: string;
beforeAll(async () => {
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

async function checkOf(file: string, id: string, params: Record<string, unknown>) {
  const report = await rt.run({ path: real(file), profile: inlineProfile(rt.catalogue, [{ id, params }]) });
  return { ...report.checks.find((c) => c.id === id)!, report };
}

describe('colour space by the ICC profile’s identity', () => {
  it("Apple's Generic RGB Profile is not sRGB (sharp's Portrait_2.jpg)", async () => {
    const r = await checkOf('Portrait_2.jpg', 'image.colorspace', { allowed: ['srgb'] });
    expect(r.status, r.message).toBe('fail');
    expect(r.measured).toMatchObject({ colorspace: 'other', icc_profile: 'Generic RGB Profile' });
  });

  it('an sRGB profile whose name ends in NUL is sRGB, and the name is shown without the NUL (sharp’s Landscape_9.jpg)', async () => {
    const r = await checkOf('Landscape_9.jpg', 'image.colorspace', { allowed: ['srgb'] });
    expect(r.status, r.message).toBe('pass');
    expect(r.message).toBe('SRGB (sRGB) is allowed');
    expect(JSON.stringify(r.report)).not.toContain('\\u0000');
  });
});

describe('the resolution the file records', () => {
  it('a PNG without pHYs records none (sharp’s Flag_of_the_Netherlands.png)', async () => {
    const r = await checkOf('Flag_of_the_Netherlands.png', 'image.dpi', { min: 300 });
    expect(r.measured).toEqual({ ppi: 72, recorded: false });
    expect(r.message).toMatch(/^no resolution is recorded; 300 ppi required/);
  });

  it('a JPEG whose JFIF density has no units records none (mathiasbynens/small jpeg.jpg)', async () => {
    const r = await checkOf('small-jpeg.jpg', 'image.dpi', { min: 300 });
    expect(r.measured).toEqual({ ppi: 72, recorded: false });
  });

  it('a JPEG with EXIF XResolution 240 records 240 ppi (sharp’s Landscape_9.jpg)', async () => {
    const r = await checkOf('Landscape_9.jpg', 'image.dpi', { min: 300 });
    expect(r.measured).toEqual({ ppi: 240, recorded: true });
  });

  it('a TIFF at 10 pixels per cm is 25.4 ppi, not "none" (sharp’s 8bit_depth.tiff)', async () => {
    const r = await checkOf('8bit_depth.tiff', 'image.dpi', { min: 300 });
    expect(r.measured).toEqual({ ppi: 25.4, recorded: true });
    expect(r.message).toMatch(/^25\.4 ppi is under the 300 ppi minimum/);
  });
});

describe('formats people send', () => {
  it('a valid SVG is checked as an image at its intrinsic size (sharp’s check.svg)', async () => {
    const r = await checkOf('check.svg', 'file.format', { allowed: ['svg', 'png'] });
    expect(r.report.verdict, r.report.error).toBe('pass');
    expect(r.report.asset).toMatchObject({ kind: 'image', format: 'svg', info: { width: 100, height: 100 } });
    expect(r.report.asset.info).not.toHaveProperty('dpi');
  });

  it('an SVG that opens with an XML declaration (file-type says "xml") is still an SVG, as in the W3C suite', async () => {
    const file = join(dir, 'declared.svg');
    await writeFile(file, '<?xml version="1.0" encoding="UTF-8"?>\n<svg version="1.2" baseProfile="tiny" width="480" height="360" viewBox="0 0 480 360" xmlns="http://www.w3.org/2000/svg">\n<rect width="480" height="360" fill="#08c"/></svg>\n');
    const report = await rt.run({ path: file, profile: inlineProfile(rt.catalogue, [{ id: 'file.format', params: { allowed: ['svg'] } }]) });
    expect(report.verdict, report.error).toBe('pass');
    expect(report.asset).toMatchObject({ kind: 'image', format: 'svg', info: { width: 480, height: 360 } });
  });

  it('an SVG without any size says so instead of "damaged" (mathiasbynens/small svg.svg)', async () => {
    const r = await checkOf('small-svg.svg', 'file.format', { allowed: ['svg'] });
    expect(r.report.error).toMatch(/the SVG has no size/);
  });

  it('a valid JPEG 2000 is decoded with FFmpeg and checked (mathiasbynens/small jpeg2.jp2)', async () => {
    const r = await checkOf('small-jpeg2.jp2', 'image.dimensions', { min_width: 1 });
    expect(r.report.verdict, r.report.error).toBe('pass');
    expect(r.report.asset).toMatchObject({ kind: 'image', format: 'jp2', info: { width: 1, height: 1 } });
  });
});
