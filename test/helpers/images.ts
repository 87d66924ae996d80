/**
 * Image fixtures made with sharp (and zlib for the decompression bomb), each with exactly
 * the property a test needs.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createDeflate, crc32 } from 'node:zlib';
import sharp from 'sharp';

export interface ImageSpec {
  width?: number;
  height?: number;
  format?: 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif';
  colour?: 'srgb' | 'cmyk' | 'gray';
  alpha?: 'none' | 'opaque' | 'transparent';
  icc?: 'srgb' | 'p3' | 'none';
  density?: number;
}

export async function makeImage(dir: string, name: string, spec: ImageSpec = {}): Promise<string> {
  const width = spec.width ?? 1080;
  const height = spec.height ?? 1080;
  const channels = spec.alpha && spec.alpha !== 'none' ? 4 : 3;
  const background = channels === 4 ? { r: 200, g: 40, b: 40, alpha: 1 } : { r: 200, g: 40, b: 40 };
  let img = sharp({ create: { width, height, channels, background } });
  if (spec.alpha === 'transparent') {
    // A transparent hole in an otherwise opaque image: real transparent pixels.
    const hole = await sharp({ create: { width: Math.max(1, Math.floor(width / 4)), height: Math.max(1, Math.floor(height / 4)), channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    img = sharp(await img.composite([{ input: hole, left: 0, top: 0, blend: 'source' }]).png().toBuffer());
  }
  if (spec.colour === 'cmyk') img = img.toColourspace('cmyk');
  if (spec.colour === 'gray') img = img.toColourspace('b-w');
  if (spec.icc === 'srgb' || spec.icc === 'p3') img = img.withIccProfile(spec.icc);
  if (spec.density) img = img.withMetadata({ density: spec.density });
  const format = spec.format ?? 'jpeg';
  img = img.toFormat(format);
  const file = join(dir, name);
  await img.toFile(file);
  return file;
}

/** A JPEG cut short: header intact, scan data missing. */
export async function makeTruncatedJpeg(dir: string, name = 'truncated.jpg'): Promise<string> {
  const full = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><circle cx="400" cy="300" r="250" fill="#fc0"/></svg>') }])
    .jpeg({ quality: 90 })
    .toBuffer();
  const file = join(dir, name);
  await writeFile(file, full.subarray(0, Math.floor(full.length * 0.4)));
  return file;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/**
 * A valid PNG of width×height 1-bit grey pixels, all black: a real decompression bomb
 * (40000×40000 is 1.6 gigapixels from ~200 KB) written with streaming deflate so making
 * it does not need the memory it would take to decode.
 */
export async function makePngBomb(dir: string, width = 40000, height = 40000, name = 'bomb.png'): Promise<string> {
  const file = join(dir, name);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(width / 8);
  const rows = Buffer.alloc(rowBytes * 256);
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on('data', (c: Buffer) => compressed.push(c));
  await pipeline(
    Readable.from(
      (function* () {
        for (let y = 0; y < height; y += 256) yield rows.subarray(0, rowBytes * Math.min(256, height - y));
      })(),
    ),
    deflate,
  );
  const idat = Buffer.concat(compressed);
  const out = createWriteStream(file);
  out.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  out.write(pngChunk('IHDR', ihdr));
  out.write(pngChunk('IDAT', idat));
  out.write(pngChunk('IEND', Buffer.alloc(0)));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return file;
}
