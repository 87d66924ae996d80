/**
 * QR codes in an image, for `image.qr_code`: found and decoded by ZXing-C++ compiled to
 * WebAssembly (the `zxing-wasm` package's reader build). The .wasm file is read from
 * node_modules and handed over as bytes: the package's default is to fetch it from a CDN, and
 * aiqc never reaches the network at run time. Loaded on first use, once per process.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadSharp } from './sharp.js';
import type * as ZXingReader from 'zxing-wasm/reader';
import type { FractionBox } from './text/types.js';
import { imagePixels, imageProbe } from './image.js';
import type { Analysis } from '../qc/types.js';

export interface FoundCode {
  /** QRCode, MicroQRCode or rMQRCode. */
  format: string;
  /** The decoded text; undefined when the symbol was found but could not be decoded. */
  text?: string;
  /** Why it could not be decoded (ZXing's reason, e.g. a checksum error). */
  error?: string;
  /** Where, in fractions of the displayed picture. */
  box: FractionBox;
}

export interface QrCodes {
  codes: FoundCode[];
  engine: string;
  /** Size the codes were searched at. */
  searched: { width: number; height: number };
}

/** Long side the picture is searched at: a print-size poster keeps modules of a few pixels. */
const MAX_SIDE = 3000;

type Reader = typeof ZXingReader;
let reader: Promise<Reader> | undefined;

function loadReader(): Promise<Reader> {
  reader ??= (async () => {
    const zxing = await import('zxing-wasm/reader');
    const wasm = await readFile(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
    await zxing.prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }, fireImmediately: true });
    return zxing;
  })();
  reader.catch(() => (reader = undefined));
  return reader;
}

const overlap = (a: FractionBox, b: FractionBox) => {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? (w * h) / Math.min(a.w * a.h, b.w * b.h || 1) : 0;
};

export const imageQrCodes: Analysis<QrCodes> = {
  id: 'image.qr_codes',
  async compute(ctx) {
    await ctx.get(imageProbe); // never decode what the probe refused
    const [zxing, sharp] = await Promise.all([loadReader(), loadSharp()]);
    const { data, info } = await sharp(await ctx.get(imagePixels), { limitInputPixels: ctx.env.maxPixels })
      .autoOrient()
      .resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const results = await zxing.readBarcodes(
      { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height, colorSpace: 'srgb' },
      { formats: ['QRCode', 'MicroQRCode', 'rMQRCode'], tryHarder: true, tryRotate: true, tryInvert: true, returnErrors: true, maxNumberOfSymbols: 16 },
    );
    const codes: FoundCode[] = [];
    // Valid symbols first, so a second failed read of the same symbol is dropped.
    for (const r of [...results].sort((a, b) => Number(b.isValid) - Number(a.isValid))) {
      const p = r.position;
      const xs = [p.topLeft.x, p.topRight.x, p.bottomRight.x, p.bottomLeft.x];
      const ys = [p.topLeft.y, p.topRight.y, p.bottomRight.y, p.bottomLeft.y];
      const x0 = Math.max(0, Math.min(...xs));
      const y0 = Math.max(0, Math.min(...ys));
      const box = { x: x0 / width, y: y0 / height, w: (Math.min(width, Math.max(...xs)) - x0) / width, h: (Math.min(height, Math.max(...ys)) - y0) / height };
      if (codes.some((c) => overlap(c.box, box) > 0.5)) continue;
      codes.push({ format: r.format, ...(r.isValid ? { text: r.text } : { error: r.error.replace(/ @ \S+$/, '') || 'not decodable' }), box });
    }
    codes.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
    return { codes, engine: `zxing-wasm (ZXing-C++)`, searched: { width, height } };
  },
};
