/**
 * Every image check against a fixture made to pass it and one made to fail it, through the
 * real engine and sharp.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QcRuntime } from '../../../src/app/runtime.js';
import { makeImage } from '../../helpers/images.js';
import { inlineProfile, tempDir, testRuntime } from '../../helpers/runtime.js';

let rt: QcRuntime;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

async function statusOf(file: string, id: string, params: Record<string, unknown>) {
  const report = await rt.run({ path: file, profile: inlineProfile(rt.catalogue, [{ id, params }]) });
  const result = report.checks.find((c) => c.id === id)!;
  return { status: result.status, message: result.message, measured: result.measured, report };
}

const cases: Array<{ id: string; params: Record<string, unknown>; pass: [string, Parameters<typeof makeImage>[2]]; fail: [string, Parameters<typeof makeImage>[2]]; failText: RegExp }> = [
  { id: 'file.format', params: { allowed: ['jpeg', 'png'] }, pass: ['fmt.jpg', { format: 'jpeg' }], fail: ['fmt.webp', { format: 'webp' }], failText: /WEBP is not allowed/ },
  { id: 'file.size', params: { max: '20 KB' }, pass: ['small.jpg', { width: 200, height: 200 }], fail: ['big.png', { width: 1500, height: 1500, format: 'tiff' }], failText: /over the 20.0 KB limit/ },
  { id: 'file.name', params: { pattern: '^[A-Z]{3}_\\d{4}_.+$' }, pass: ['ABC_2026_hero.jpg', {}], fail: ['hero final v2.jpg', {}], failText: /does not follow the naming convention/ },
  { id: 'image.dimensions', params: { allowed: ['1080x1080', '1080x1350'] }, pass: ['sq.jpg', { width: 1080, height: 1080 }], fail: ['wide.jpg', { width: 1200, height: 628 }], failText: /1200x628 is not an allowed size/ },
  { id: 'image.aspect_ratio', params: { allowed: ['4:5'] }, pass: ['p45.jpg', { width: 1080, height: 1350 }], fail: ['p11.jpg', { width: 500, height: 500 }], failText: /1:1 .* is not one of 4:5/ },
  { id: 'image.colorspace', params: { allowed: ['srgb'] }, pass: ['rgb.jpg', { icc: 'srgb' }], fail: ['cmyk.jpg', { colour: 'cmyk' }], failText: /CMYK is not allowed/ },
  { id: 'image.dpi', params: { min: 300 }, pass: ['hi.jpg', { density: 300 }], fail: ['lo.jpg', { density: 72 }], failText: /72 ppi is under the 300 ppi minimum/ },
  { id: 'image.transparency', params: { allowed: false }, pass: ['opaque-alpha.png', { format: 'png', alpha: 'opaque' }], fail: ['holes.png', { format: 'png', alpha: 'transparent' }], failText: /transparent pixels/ },
  { id: 'image.icc_profile', params: { required: true }, pass: ['tagged.jpg', { icc: 'srgb' }], fail: ['untagged.jpg', { icc: 'none' }], failText: /no ICC profile is embedded/ },
];

describe('image checks: a passing and a failing fixture each', () => {
  for (const c of cases) {
    it(`${c.id} passes ${c.pass[0]} and fails ${c.fail[0]}`, async () => {
      const good = await statusOf(await makeImage(dir, c.pass[0], c.pass[1]), c.id, c.params);
      expect(good.status, good.message).toBe('pass');
      const bad = await statusOf(await makeImage(dir, c.fail[0], c.fail[1]), c.id, c.params);
      expect(bad.status, bad.message).toBe('fail');
      expect(bad.message).toMatch(c.failText);
      expect(bad.report.verdict).toBe('fail');
    });
  }

  it('an alpha channel with every pixel opaque is not transparency', async () => {
    const r = await statusOf(await makeImage(dir, 'alpha-opaque.png', { format: 'png', alpha: 'opaque' }), 'image.transparency', { allowed: false });
    expect(r.measured).toEqual({ has_alpha_channel: true, has_transparent_pixels: false });
  });

  it('a Display P3 profile is reported as p3, not as sRGB', async () => {
    const r = await statusOf(await makeImage(dir, 'p3.jpg', { icc: 'p3' }), 'image.colorspace', { allowed: ['srgb'] });
    expect(r.status).toBe('fail');
    expect(r.measured).toMatchObject({ colorspace: 'p3' });
  });

  it('file.format warns when the content and the extension disagree', async () => {
    const r = await statusOf(await makeImage(dir, 'really-a-png.jpg', { format: 'png' }), 'file.format', { allowed: ['png', 'jpeg'] });
    expect(r.status).toBe('warn');
    expect(r.message).toMatch(/content is PNG but the name ends in "\.jpg"/);
  });

  it('a failing check of severity warning reports warn and the verdict is warn', async () => {
    const file = await makeImage(dir, 'sev.jpg', { width: 300, height: 300 });
    const report = await rt.run({ path: file, profile: inlineProfile(rt.catalogue, [{ id: 'image.dimensions', params: { min_width: 600 }, severity: 'warning' }]) });
    expect(report.checks.find((c) => c.id === 'image.dimensions')!.status).toBe('warn');
    expect(report.verdict).toBe('warn');
  });
});
