/**
 * Images through sharp (libvips). The only module that touches image pixels: the probe
 * (header + one decode that proves the file is intact and yields what the checks and the
 * report need: the channel statistics of an image with alpha, or else the thumbnail).
 */
import { parse as parseIcc } from 'icc';
import type { Metadata } from 'sharp';
import { loadSharp } from './sharp.js';
import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { AssetUnreadableError } from '../qc/errors.js';
import { runTool } from './av/tools.js';
import { cleanIccText, isSrgbProfile, jpegResolution, pngResolution, tiffResolution, type RecordedResolution } from './image-header.js';
import type { Analysis, KindHandler, ProbeResult } from '../qc/types.js';

export type ImageColorspace = 'srgb' | 'adobergb' | 'p3' | 'prophoto' | 'cmyk' | 'gray' | 'lab' | 'other';

export interface ImageDetails {
  /** Displayed size (EXIF orientation applied): what a viewer and a platform see. */
  width: number;
  height: number;
  /** sharp's decoder name: jpeg, png, webp, gif, tiff, heif… */
  format: string;
  colorspace: ImageColorspace;
  /** libvips' interpretation, kept for messages (e.g. `b-w`, `rgb16`). */
  vips_space: string;
  channels: number;
  has_alpha: boolean;
  /** True when some pixel is not fully opaque (an alpha channel alone is not transparency). */
  has_transparent_pixels: boolean;
  /** Pixels per inch from the file's metadata; undefined when the file records none. */
  density_ppi?: number;
  icc?: { description?: string; color_space?: string; device_class?: string };
  bits_per_sample: number;
  pages: number;
  orientation?: number;
}

const BITS: Record<string, number> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, double: 64 };

function colorspaceOf(space: string, icc: Uint8Array | undefined, iccDescription: string | undefined): ImageColorspace {
  if (space === 'cmyk') return 'cmyk';
  if (space === 'b-w' || space === 'grey16') return 'gray';
  if (space === 'lab' || space === 'labq' || space === 'labs') return 'lab';
  if (space === 'srgb' || space === 'rgb' || space === 'rgb16' || space === 'scrgb') {
    // libvips calls every RGB image "srgb"; the embedded profile says what the numbers mean.
    // Untagged RGB is sRGB by convention (what browsers and platforms assume).
    if (!icc || isSrgbProfile(icc, iccDescription)) return 'srgb';
    const d = iccDescription?.toLowerCase() ?? '';
    if (d.includes('adobe rgb') || d.includes('adobergb')) return 'adobergb';
    if (d.includes('p3')) return 'p3';
    if (d.includes('prophoto')) return 'prophoto';
    return 'other';
  }
  return 'other';
}

function readIcc(buffer: Buffer | undefined): ImageDetails['icc'] {
  if (!buffer) return undefined;
  try {
    const p = parseIcc(buffer);
    const description = cleanIccText(p.description);
    const colorSpace = cleanIccText(p.colorSpace);
    const deviceClass = cleanIccText(p.deviceClass);
    return {
      ...(description ? { description } : {}),
      ...(colorSpace ? { color_space: colorSpace } : {}),
      ...(deviceClass ? { device_class: deviceClass } : {}),
    };
  } catch {
    return { description: 'unparseable ICC profile' };
  }
}

/** JPEG 2000 as file-type names it; libvips here has no decoder for it, FFmpeg has. */
const JPEG2000 = new Set(['jp2', 'j2c', 'jpx']);

/**
 * The file sharp reads: the asset itself, or for JPEG 2000 a lossless PNG that FFmpeg decoded
 * into the run's scratch folder (removed with it).
 */
export const imagePixels: Analysis<string> = {
  id: 'image.pixels',
  async compute(ctx) {
    if (!JPEG2000.has(ctx.asset.sniff.format)) return ctx.asset.path;
    const out = join(ctx.env.tmpDir, `jpeg2000-${randomUUID()}.png`);
    const run = await runTool('ffmpeg', ctx.env.ffmpegPath, ['-nostdin', '-v', 'error', '-max_pixels', String(ctx.env.maxPixels), '-i', `file:${ctx.asset.path}`, '-frames:v', '1', '-y', `file:${out}`], {
      signal: ctx.signal,
      timeoutMs: ctx.env.checkTimeoutMs,
    });
    if (run.code !== 0) {
      const said = run.stderr.trim().split('\n').at(-1) ?? '';
      throw new AssetUnreadableError(`the JPEG 2000 image cannot be decoded${said ? ` (${said.replace(/file:\S+: /, '')})` : ''}: re-export ${ctx.asset.name}, or export it as PNG or TIFF`);
    }
    return out;
  },
};

/** The thumbnail the report shows; `failOn` makes the same decode prove the data intact. */
async function drawThumbnail(path: string, maxPixels: number, failOn: 'truncated' | 'none'): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(path, { limitInputPixels: maxPixels, failOn })
    .autoOrient()
    .resize(480, 480, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 78 })
    .toBuffer();
}

interface ImageDecode {
  isOpaque: boolean;
  thumbnail?: Buffer;
}

/**
 * The one decode of the pixels, which proves the data intact (a truncated file fails here).
 * An image with an alpha channel is decoded in full for its statistics (is any pixel not
 * opaque?); one without needs none, and its decode draws the thumbnail, which for JPEG and
 * WebP decodes at a reduced scale (shrink-on-load) yet reads the whole compressed stream, so
 * a 12-megapixel photo is decoded once, not twice.
 */
async function decodeOnce(path: string, meta: Metadata, maxPixels: number): Promise<ImageDecode> {
  const sharp = await loadSharp();
  if (meta.hasAlpha) return { isOpaque: (await sharp(path, { limitInputPixels: maxPixels, failOn: 'truncated' }).stats()).isOpaque };
  return { isOpaque: true, thumbnail: await drawThumbnail(path, maxPixels, 'truncated') };
}

const decodes = new WeakMap<ProbeResult<ImageDetails>, ImageDecode>();

export const imageProbe: Analysis<ProbeResult<ImageDetails>> = {
  id: 'image.probe',
  async compute(ctx) {
    const { name } = ctx.asset;
    const path = await ctx.get(imagePixels);
    const sharp = await loadSharp();
    let meta: Metadata;
    try {
      // Header only: cheap, and tells us the pixel count before anything is decoded.
      meta = await sharp(path, { limitInputPixels: false }).metadata();
    } catch (err) {
      if (ctx.asset.sniff.format === 'svg' && /bad dimensions/.test(sharpReason(err))) {
        throw new AssetUnreadableError('the SVG has no size (no width and height, and no viewBox), so it cannot be drawn: give the artwork a size and export it again', { cause: err });
      }
      throw new AssetUnreadableError(`the ${ctx.asset.sniff.format.toUpperCase()} header cannot be read (${sharpReason(err)}): re-export the image`, { cause: err });
    }
    const rawW = meta.width ?? 0;
    const rawH = meta.height ?? 0;
    const pixels = rawW * rawH;
    if (pixels > ctx.env.maxPixels) {
      throw new AssetUnreadableError(
        `the image is ${rawW}×${rawH} (${(pixels / 1e6).toFixed(0)} megapixels), over the ${(ctx.env.maxPixels / 1e6).toFixed(0)}-megapixel limit; ` +
          `it was not decoded, to protect the machine. Export it smaller, or raise AIQC_MAX_PIXELS if such files are expected`,
      );
    }
    let decode: ImageDecode;
    try {
      decode = await decodeOnce(path, meta, ctx.env.maxPixels);
    } catch (err) {
      throw new AssetUnreadableError(`the image data is damaged or incomplete (${sharpReason(err)}): re-export ${name} and upload it again`, { cause: err });
    }
    const icc = readIcc(meta.icc);
    const colorspace = colorspaceOf(meta.space ?? 'unknown', meta.icc, icc?.description);
    // An SVG is drawn at its intrinsic size (width/height in CSS px) and records no resolution;
    // the PNG decoded from a JPEG 2000 records none of the original's either.
    const density = meta.format === 'svg' || path !== ctx.asset.path ? undefined : await recordedResolution(path, meta);
    const width = meta.autoOrient?.width ?? rawW;
    const height = meta.autoOrient?.height ?? rawH;
    const details: ImageDetails = {
      width,
      height,
      format: JPEG2000.has(ctx.asset.sniff.format) ? ctx.asset.sniff.format : meta.format,
      colorspace,
      vips_space: meta.space ?? 'unknown',
      channels: meta.channels ?? 0,
      has_alpha: meta.hasAlpha ?? false,
      has_transparent_pixels: (meta.hasAlpha ?? false) && !decode.isOpaque,
      ...(density ? { density_ppi: density.ppi } : {}),
      ...(icc ? { icc } : {}),
      bits_per_sample: BITS[meta.depth ?? 'uchar'] ?? 8,
      pages: meta.pages ?? 1,
      ...(meta.orientation ? { orientation: meta.orientation } : {}),
    };
    const probe: ProbeResult<ImageDetails> = {
      format: JPEG2000.has(ctx.asset.sniff.format) ? ctx.asset.sniff.format : formatName(meta.format),
      info: {
        width,
        height,
        colorspace,
        channels: details.channels,
        has_alpha: details.has_alpha,
        bits_per_sample: details.bits_per_sample,
        ...(details.density_ppi ? { dpi: details.density_ppi } : {}),
        ...(icc?.description ? { icc_profile: icc.description } : {}),
        ...(details.pages > 1 ? { pages: details.pages } : {}),
      },
      details,
    };
    decodes.set(probe, decode);
    return probe;
  },
};

/** Bytes read from the start of the file for the header: enough for PNG/JPEG and most TIFFs. */
const HEADER_BYTES = 1 << 20;

/**
 * The resolution the file records, read from its own header for PNG, JPEG and TIFF (libvips
 * invents 72 ppi where none is recorded); other formats as sharp reports it.
 */
async function recordedResolution(path: string, meta: Metadata): Promise<RecordedResolution> {
  if (meta.format !== 'png' && meta.format !== 'jpeg' && meta.format !== 'tiff') return meta.density ? { ppi: meta.density } : undefined;
  const file = await open(path);
  let head: Uint8Array;
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEADER_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (meta.format === 'png') return pngResolution(head);
  if (meta.format === 'jpeg') return jpegResolution(head, meta.exif);
  // A TIFF whose first directory lies past the header bytes: trust libvips' figure.
  return tiffResolution(head) ?? (meta.density ? { ppi: meta.density } : undefined);
}

export const imageThumbnail: Analysis<Buffer | undefined> = {
  id: 'image.thumbnail',
  async compute(ctx) {
    const probe = await ctx.get(imageProbe); // never decode what the probe refused
    return decodes.get(probe)?.thumbnail ?? drawThumbnail(await ctx.get(imagePixels), ctx.env.maxPixels, 'none');
  },
};

export const imageKind: KindHandler = { kind: 'image', probe: imageProbe, thumbnail: imageThumbnail };

function formatName(f: string): string {
  return f === 'jpg' ? 'jpeg' : f === 'heif' ? 'heif' : f;
}

/** libvips messages are terse and multi-line; keep the first meaningful line. */
function sharpReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? text;
  return line.replace(/^Input file /, '').replace(/^VipsJpeg: /, '').replace(/^vips_\w+: /, '');
}
