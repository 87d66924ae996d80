/**
 * image.brand_colours through the real engine and sharp, on posters drawn from SVG with known
 * colour areas, against a client palette from clients.yaml; and the ΔE2000 it uses, held to
 * published reference pairs.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QcRuntime } from '../../../src/app/runtime.js';
import { deltaE2000, dominantColours } from '../../../src/analysis/colour-lab.js';
import { loadClientsConfig, type ClientConfig } from '../../../src/config/clients.js';
import { renderHtml } from '../../../src/report/html.js';
import { inlineProfile, tempDir, testRuntime } from '../../helpers/runtime.js';

let rt: QcRuntime;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

const client: ClientConfig = {
  id: 'acme',
  name: 'Acme',
  profiles: ['static_general'],
  default_profile: 'static_general',
  folders: [],
  brand: {
    palette: [
      { name: 'Acme red', hex: '#e4002b' },
      { name: 'Acme navy', hex: '#002855' },
      { name: 'Acme yellow', hex: '#ffc72c' },
    ],
  },
};

/** A 600×400 poster: white ground, a 50 % band of `a`, a 30 % band of `b`, and a thin line of text colour. */
async function poster(name: string, a: string, b: string): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
<rect width="600" height="400" fill="#ffffff"/><rect width="600" height="200" fill="${a}"/><rect y="200" width="600" height="120" fill="${b}"/>
<rect x="20" y="350" width="300" height="12" fill="#111111"/></svg>`;
  const file = join(dir, name);
  await sharp(Buffer.from(svg)).png().toFile(file);
  return file;
}

async function run(file: string, params: Record<string, unknown> = {}, withClient: ClientConfig | null = client) {
  const report = await rt.run({ path: file, profile: inlineProfile(rt.catalogue, [{ id: 'image.brand_colours', params }]), ...(withClient ? { client: withClient } : {}) });
  return { result: report.checks.find((c) => c.id === 'image.brand_colours')!, report };
}

describe('image.brand_colours', () => {
  it('passes a poster in the palette (a shade 2 ΔE off still within tolerance) and fails one with an off-brand green', async () => {
    // #e6052e is a slightly different red from a re-export: ΔE2000 ≈ 0.8 from #e4002b.
    const good = await run(await poster('on-brand.png', '#e6052e', '#002855'));
    expect(good.result.status, good.result.message).toBe('pass');
    const colours = good.result.evidence!.map((e) => e.detail as { hex: string; share: number; nearest: string; delta_e: number });
    const red = colours.find((c) => c.nearest === 'Acme red')!;
    expect(red.share).toBeCloseTo(0.5, 1);
    expect(red.delta_e).toBeLessThan(2);
    expect(colours.find((c) => c.nearest === 'Acme navy')!.share).toBeCloseTo(0.3, 1);

    const bad = await run(await poster('off-brand.png', '#e4002b', '#3a9a2c'));
    expect(bad.result.status).toBe('fail');
    expect(bad.result.message).toMatch(/#3a9a2c \(\d\d% of the picture\) is ΔE \d+\.\d from the nearest brand colour, Acme (navy|yellow|red) #/);
    expect(bad.result.message).toContain('clients.acme.brand.palette');
    expect(bad.report.verdict).toBe('fail');
    // Evidence: each dominant colour with its share, nearest palette colour and ΔE.
    const ev = bad.result.evidence!.find((e) => e.detail?.['hex'] === '#3a9a2c')!;
    expect(ev.detail).toMatchObject({ verdict: 'off palette' });
    expect(ev.detail!['share']).toBeCloseTo(0.3, 1);
    expect(ev.detail!['delta_e']).toBeGreaterThan(5);
    // The report shows the colours as swatches beside their nearest palette colour.
    const html = renderHtml(bad.report);
    expect(html).toContain('Brand colours found');
    expect(html).toMatch(/fill="#3a9a2c"/);
    // The picture is drawn from the JSON: a tampered colour is drawn grey, never written into the markup.
    const tampered = structuredClone(bad.report);
    const row = tampered.checks.find((c) => c.id === 'image.brand_colours')!;
    row.evidence![0]!.detail = { ...row.evidence![0]!.detail, hex: '#fff"/><script>alert(1)</script>', nearest: '<b>x</b>' };
    const out = renderHtml(tampered);
    expect(out).not.toContain('<script>alert(1)');
    expect(out).not.toContain('<b>x</b>');
  });

  it('the tolerance decides: the same poster passes at a loose tolerance', async () => {
    const file = await poster('near.png', '#c8102e', '#002855'); // a neighbouring red, ΔE2000 ≈ 6 from #e4002b
    const strict = await run(file, { tolerance: 2 });
    expect(strict.result.status).toBe('fail');
    const loose = await run(file, { tolerance: 10 });
    expect(loose.result.status, loose.result.message).toBe('pass');
  });

  it('is skipped, saying what to add, without a palette; a profile palette stands in for the client', async () => {
    const file = await poster('no-palette.png', '#e4002b', '#002855');
    const none = await run(file, {}, null);
    expect(none.result.status).toBe('skipped');
    expect(none.result.message).toMatch(/no brand palette/);
    const withParam = await run(file, { palette: [{ name: 'Red', hex: 'E4002B' }, { name: 'Navy', hex: '#002855' }] }, null);
    expect(withParam.result.status, withParam.result.message).toBe('pass');
  });

  it('neutrals (white ground, black text) are not judged by default, and are when asked', async () => {
    const file = await poster('neutral.png', '#e4002b', '#002855');
    const strict = await run(file, { ignore_neutrals: false });
    expect(strict.result.status).toBe('fail');
    expect(strict.result.message).toMatch(/#ffffff/);
  });

  it('dominant colours of raw pixels: shares add up and a 10 % area is found', () => {
    const px = new Uint8Array(100 * 3);
    for (let i = 0; i < 100; i++) px.set(i < 60 ? [228, 0, 43] : i < 90 ? [0, 40, 85] : [255, 199, 44], i * 3);
    const found = dominantColours(px);
    expect(found.map((c) => [c.hex, Number(c.share.toFixed(2))])).toEqual([
      ['#e4002b', 0.6],
      ['#002855', 0.3],
      ['#ffc72c', 0.1],
    ]);
  });
});

describe('ΔE2000 reference (Sharma, Wu & Dalal 2005, "The CIEDE2000 color-difference formula", Table 1)', () => {
  // Pairs 1, 7, 17 and 25 of the paper's 34 test pairs, with its published ΔE00 to 4 decimals.
  const pairs: Array<[number, [number, number, number], [number, number, number], number]> = [
    [1, [50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425],
    [7, [50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669],
    [17, [50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492],
    [25, [60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
  ];
  for (const [n, a, b, published] of pairs) {
    it(`pair ${n}: ${published}`, () => {
      expect(Number(deltaE2000(a, b).toFixed(4))).toBe(published);
    });
  }
});

// clients.yaml carries the palette: written and loaded like any deployment's.
describe('clients.yaml brand block', () => {
  it('loads palette and allowed domains normalised, and names file, path and fix for bad ones', async () => {
    const profiles = rt.profiles;
    await writeFile(
      join(dir, 'clients.yaml'),
      `clients:\n  acme:\n    name: Acme\n    profiles: [static_general]\n    default_profile: static_general\n    brand:\n      palette:\n        - { name: Red, hex: "#E4002B" }\n        - { name: Navy, hex: "028" }\n      allowed_domains: [Acme.com, "www.acme.co.uk."]\n`,
    );
    const ok = await loadClientsConfig(dir, profiles);
    expect(ok.get('acme')!.brand).toEqual({ palette: [{ name: 'Red', hex: '#e4002b' }, { name: 'Navy', hex: '#002288' }], allowed_domains: ['acme.com', 'www.acme.co.uk'] });

    await writeFile(
      join(dir, 'clients.yaml'),
      `clients:\n  acme:\n    name: Acme\n    profiles: [static_general]\n    default_profile: static_general\n    brand:\n      palette:\n        - { name: Red, hex: "red" }\n      allowed_domains: ["https://acme.com/offers"]\n`,
    );
    const err = await loadClientsConfig(dir, profiles).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain('clients.yaml at clients.acme.brand.palette[0].hex');
    expect(err?.message).toContain('"red" is not a hex colour');
    expect(err?.message).toContain('fix: write the sRGB colour as "#RRGGBB"');
    expect(err?.message).toContain('clients.acme.brand.allowed_domains[0]');
    expect(err?.message).toContain('write the host name only');
  });
});
