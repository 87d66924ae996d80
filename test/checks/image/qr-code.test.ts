/**
 * image.qr_code through the real engine, sharp and ZXing (WebAssembly, read from
 * node_modules): QR codes encoded in the test by the `qrcode` package and placed on a poster.
 */
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp, { type OverlayOptions } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QcRuntime } from '../../../src/app/runtime.js';
import type { ClientConfig } from '../../../src/config/clients.js';
import { inlineProfile, tempDir, testRuntime } from '../../helpers/runtime.js';

let rt: QcRuntime;
let dir: string;
let cleanup: () => Promise<void>;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  // The decoder must not reach the network (its package's default is a CDN).
  globalThis.fetch = () => Promise.reject(new Error('network used at run time'));
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await cleanup();
});

const client: ClientConfig = { id: 'acme', name: 'Acme', profiles: ['static_general'], default_profile: 'static_general', folders: [], brand: { allowed_domains: ['acme.com'] } };

/** A 600×800 poster with a QR code for `text` in its lower right (or none); `damage` covers its middle. */
async function poster(name: string, text: string | undefined, damage = false): Promise<string> {
  const layers: OverlayOptions[] = [];
  if (text !== undefined) {
    let qr = await QRCode.toBuffer(text, { width: 250, margin: 2, errorCorrectionLevel: 'L' });
    if (damage) {
      const cover = `<svg xmlns="http://www.w3.org/2000/svg" width="250" height="250"><rect x="60" y="95" width="130" height="20"/><rect x="60" y="135" width="130" height="20"/><rect x="95" y="60" width="20" height="130" fill="#fff"/></svg>`;
      qr = await sharp(qr).composite([{ input: Buffer.from(cover) }]).png().toBuffer();
    }
    layers.push({ input: qr, left: 300, top: 500 });
  }
  const file = join(dir, name);
  await sharp({ create: { width: 600, height: 800, channels: 3, background: '#f4e9d8' } }).composite(layers).png().toFile(file);
  return file;
}

async function run(file: string, params: Record<string, unknown> = {}, withClient: ClientConfig | null = client) {
  const report = await rt.run({ path: file, profile: inlineProfile(rt.catalogue, [{ id: 'image.qr_code', params }]), ...(withClient ? { client: withClient } : {}) });
  return report.checks.find((c) => c.id === 'image.qr_code')!;
}

describe('image.qr_code', () => {
  it('passes a code to an allowed domain (a sub-domain), fails one to another domain', async () => {
    const good = await run(await poster('allowed.png', 'https://shop.acme.com/spring?utm_source=poster'));
    expect(good.status, good.message).toBe('pass');
    expect(good.message).toContain('allowed: acme.com');
    expect(good.measured).toMatchObject({ codes_found: 1, decoded: ['https://shop.acme.com/spring?utm_source=poster'] });
    // Where it is: the QR (modules inside the 2-module margin) sits at x 300–550, y 500–750 of 600×800.
    const box = good.evidence![0]!.box!;
    expect(box.x).toBeGreaterThan(0.5);
    expect(box.x).toBeLessThan(0.56);
    expect(box.y).toBeGreaterThan(0.62);
    expect(box.y + box.h).toBeLessThan(0.95);

    const bad = await run(await poster('other.png', 'https://acme-deals.example.net/win'));
    expect(bad.status).toBe('fail');
    expect(bad.message).toMatch(/leads to acme-deals\.example\.net .* not an allowed domain: point it at acme\.com/);
    // A look-alike that only ends in the domain's letters is not a sub-domain.
    expect((await run(await poster('lookalike.png', 'https://evilacme.com/'))).status).toBe('fail');
  });

  it('text that is not a web address fails; http passes unless https is required', async () => {
    expect((await run(await poster('text.png', 'WIFI:S:acme;T:WPA;P:secret;;'))).message).toMatch(/not a web address/);
    const http = await poster('http.png', 'http://acme.com/');
    expect((await run(http)).status).toBe('pass');
    expect((await run(http, { require_https: true })).status).toBe('fail');
  });

  it('no code: a pass unless required; a damaged code: fail, or warn when the profile says so', async () => {
    const none = await poster('none.png', undefined);
    expect((await run(none)).status).toBe('pass');
    const required = await run(none, { required: true });
    expect(required.status).toBe('fail');
    expect(required.message).toMatch(/no QR code was found/);

    const damaged = await poster('damaged.png', 'https://shop.acme.com/spring?utm=1', true);
    const r = await run(damaged);
    expect(r.status, r.message).toBe('fail');
    expect(r.message).toMatch(/found but could not be decoded \(ChecksumError\)/);
    expect((await run(damaged, { unreadable: 'warn' })).status).toBe('warn');
  });

  it('without a domain list it says what to add; a profile list stands in for the client', async () => {
    const file = await poster('nolist.png', 'https://acme.com/');
    const skipped = await run(file, {}, null);
    expect(skipped.status).toBe('skipped');
    expect(skipped.message).toMatch(/"https:\/\/acme\.com\/" decoded, but there is no list of allowed domains/);
    expect((await run(file, { allowed_domains: ['ACME.com'] }, null)).status).toBe('pass');
    expect(() => inlineProfile(rt.catalogue, [{ id: 'image.qr_code', params: { allowed_domains: ['https://acme.com/x'] } }])).toThrow(/not a host name/);
  });
});
