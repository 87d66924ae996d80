/**
 * What an image file itself records, read from its header where libvips' view is not enough:
 *  - the resolution: libvips puts 72 ppi on a PNG without pHYs and on a JPEG whose JFIF
 *    says "no units", and sharp drops a density of 1 px/mm or less (a TIFF at 25.4 ppi);
 *  - whether an ICC profile IS sRGB: libvips calls every RGB image "srgb", and a profile's
 *    description is free text ("Generic RGB Profile" is Apple's, not sRGB).
 * Pure functions over bytes; the probe (./image.ts) hands them what sharp read.
 */

/** Pixels per inch the file records, or `undefined` when it records none (or only an aspect ratio). */
export type RecordedResolution = { ppi: number } | undefined;

/** PNG: the pHYs chunk, when its unit is the metre (unit 0 is an aspect ratio only). */
export function pngResolution(bytes: Uint8Array): RecordedResolution {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT' || type === 'IEND') return undefined; // pHYs must come before the image data
    if (type === 'pHYs' && length >= 9 && at + 17 <= bytes.length) {
      const x = view.getUint32(at + 8);
      return bytes[at + 16] === 1 && x > 0 ? { ppi: round2(x * 0.0254) } : undefined;
    }
    at += 12 + length;
  }
  return undefined;
}

/**
 * JPEG: EXIF XResolution/ResolutionUnit when present (libvips prefers it too), else the JFIF
 * density when its units are dots per inch or per cm. `exif` is sharp's EXIF block.
 */
export function jpegResolution(bytes: Uint8Array, exif: Uint8Array | undefined): RecordedResolution {
  const fromExif = exif ? tiffResolution(exif.subarray(exif[0] === 0x45 ? 6 : 0)) : undefined; // skip "Exif\0\0"
  if (fromExif) return fromExif;
  // APP0 "JFIF\0": version(2) units(1) Xdensity(2) Ydensity(2), right after the SOI marker.
  if (bytes[2] === 0xff && bytes[3] === 0xe0 && String.fromCharCode(...bytes.subarray(6, 11)) === 'JFIF\0') {
    const units = bytes[13];
    const x = (bytes[14]! << 8) | bytes[15]!;
    if (x > 0 && units === 1) return { ppi: x };
    if (x > 0 && units === 2) return { ppi: round2(x * 2.54) };
  }
  return undefined;
}

/** TIFF (a file, or an EXIF block, which is TIFF-structured): IFD0's XResolution as a rational. */
export function tiffResolution(bytes: Uint8Array): RecordedResolution {
  if (bytes.length < 8) return undefined;
  const little = bytes[0] === 0x49 && bytes[1] === 0x49;
  if (!little && !(bytes[0] === 0x4d && bytes[1] === 0x4d)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const ifd = u32(4);
  if (ifd + 2 > bytes.length) return undefined;
  let xres: number | undefined;
  let unit = 2; // TIFF 6.0: inch when ResolutionUnit is absent
  for (let i = 0, n = u16(ifd); i < n; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > bytes.length) break;
    const tag = u16(entry);
    if (tag === 0x011a) {
      const at = u32(entry + 8);
      if (at + 8 <= bytes.length && u32(at + 4) !== 0) xres = u32(at) / u32(at + 4);
    } else if (tag === 0x0128) unit = u16(entry + 8);
  }
  if (xres === undefined || !(xres > 0) || unit === 1) return undefined; // unit 1: no absolute unit
  return { ppi: round2(unit === 3 ? xres * 2.54 : xres) };
}

/** sRGB's colorants as an ICC profile stores them (Bradford-adapted to D50, ICC.1 Annex D). */
const SRGB_COLORANTS = {
  rXYZ: [0.4361, 0.2225, 0.0139],
  gXYZ: [0.3851, 0.7169, 0.0971],
  bXYZ: [0.1431, 0.0606, 0.7141],
} as const;

const SRGB_NAMES = /^(srgb\b|srgb_|srgb2014|srgb iec61966|iec 61966-2-1|iec61966-2\.1|c2$|c2ci$)/i;

/**
 * Whether an RGB ICC profile is sRGB: by its colorant tags (the profile's identity — every
 * sRGB variant, v2 or v4, "sRGB built-in" or Facebook's tiny "c2", carries these primaries),
 * else by a description that names sRGB. Apple's "Generic RGB Profile", Adobe RGB, P3 and
 * ProPhoto have other primaries and are not sRGB, whatever libvips calls the pixels.
 */
export function isSrgbProfile(icc: Uint8Array, description: string | undefined): boolean {
  const colorants = readColorants(icc);
  if (colorants) {
    return (Object.keys(SRGB_COLORANTS) as Array<keyof typeof SRGB_COLORANTS>).every((k) => colorants[k].every((v, i) => Math.abs(v - SRGB_COLORANTS[k][i]!) < 0.006));
  }
  return SRGB_NAMES.test(description ?? '');
}

function readColorants(icc: Uint8Array): Record<'rXYZ' | 'gXYZ' | 'bXYZ', number[]> | undefined {
  if (icc.length < 132) return undefined;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const found: Partial<Record<'rXYZ' | 'gXYZ' | 'bXYZ', number[]>> = {};
  const count = view.getUint32(128);
  for (let i = 0; i < count && 132 + (i + 1) * 12 <= icc.length; i++) {
    const entry = 132 + i * 12;
    const sig = String.fromCharCode(...icc.subarray(entry, entry + 4));
    if (sig !== 'rXYZ' && sig !== 'gXYZ' && sig !== 'bXYZ') continue;
    const at = view.getUint32(entry + 4);
    if (at + 20 > icc.length || String.fromCharCode(...icc.subarray(at, at + 4)) !== 'XYZ ') continue;
    found[sig] = [0, 1, 2].map((k) => view.getInt32(at + 8 + k * 4) / 65536);
  }
  return found.rXYZ && found.gXYZ && found.bXYZ ? (found as Record<'rXYZ' | 'gXYZ' | 'bXYZ', number[]>) : undefined;
}

/** ICC text as people should read it: no NUL padding, no stray white space. */
export function cleanIccText(text: string | undefined): string | undefined {
  const cleaned = text?.replace(/\0/g, '').trim();
  return cleaned ? cleaned : undefined;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
