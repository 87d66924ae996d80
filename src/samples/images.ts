/**
 * Sample images with known properties, made with sharp. They feed the quick-start demo and
 * the tests, so both exercise the same files: each sample says what it is meant to show.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export interface SampleFile {
  file: string;
  /** What the sample demonstrates, for people reading the demo's table. */
  purpose: string;
}

/** A colourful gradient-ish test card so thumbnails are recognisable. */
function card(width: number, height: number, title: string): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#0b6bcb"/><stop offset="1" stop-color="#f2994a"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<circle cx="${width * 0.72}" cy="${height * 0.3}" r="${Math.min(width, height) * 0.18}" fill="#ffffff" fill-opacity="0.85"/>
<text x="${width * 0.08}" y="${height * 0.82}" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="${Math.round(Math.min(width, height) * 0.09)}" fill="#ffffff">${title}</text>
</svg>`;
  return Buffer.from(svg);
}

export async function writeImageSamples(dir: string): Promise<SampleFile[]> {
  const out: SampleFile[] = [];
  const add = async (name: string, purpose: string, make: () => Promise<Buffer>) => {
    const file = join(dir, name);
    await writeFile(file, await make());
    out.push({ file, purpose });
  };
  await add('feed_ok_1080x1080.jpg', 'a Meta feed image that meets the spec', () =>
    sharp(card(1080, 1080, 'SUMMER SALE')).jpeg({ quality: 85 }).withIccProfile('srgb').withMetadata({ density: 72 }).toBuffer(),
  );
  await add('banner_cmyk_small.jpg', 'a CMYK image that is too small for feeds', () =>
    sharp(card(400, 300, 'CMYK')).toColourspace('cmyk').jpeg({ quality: 85 }).toBuffer(),
  );
  await add('logo_transparent.png', 'a PNG with real transparent pixels', () =>
    sharp({ create: { width: 1200, height: 1200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: card(800, 800, 'LOGO'), left: 200, top: 200 }])
      .png()
      .toBuffer(),
  );
  return out;
}
