/**
 * The PDF's structure through pdf-lib's object model: page boxes, fonts, placed images with
 * their effective resolution, colour spaces, OutputIntents and encryption. Content streams
 * are read by ./content.ts; this module resolves what they name.
 *
 * Why pdf-lib here and pdf.js elsewhere: pdf.js's public API exposes neither TrimBox/BleedBox
 * nor colour spaces (its operator list converts every colour to RGB), so preflight facts come
 * from the objects themselves; pdf.js keeps what it is best at (text layer, rendering,
 * password handling) in ./document.ts.
 */
import type {
  PDFObject} from 'pdf-lib';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import {
  decodePDFRawStream,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  ParseSpeeds,
  type PDFContext,
  type PDFPage,
} from 'pdf-lib';
import {
  DEFAULT_CONTENT_LIMITS,
  deviceColorSpace,
  readContent,
  type ColorUse,
  type ContentHost,
  type ContentLimits,
  type Matrix,
  type PlacedImage,
  type XObjectInfo,
} from './content.js';

/** A rectangle in PDF points (1/72 in), normalised so x0 < x1 and y0 < y1. */
export interface PdfRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PdfPageBoxes {
  page: number;
  media: PdfRect;
  crop: PdfRect;
  /** Only when the file has one (bleed and trim default to the crop box otherwise). */
  bleed?: PdfRect;
  trim?: PdfRect;
  art?: PdfRect;
  rotate: number;
  user_unit: number;
}

export interface PdfFont {
  /** Object number + generation ("12 0"), as pdffonts prints it; a direct font gets `p<page>:<name>`. */
  key: string;
  name: string;
  /** The PDF subtype: Type1, TrueType, Type0, Type3, MMType1. */
  type: string;
  embedded: boolean;
  subset: boolean;
  pages: number[];
}

/** A placed image as reported: what the content walk saw, with its page and object. */
export interface PdfImage extends Pick<PlacedImage, 'inline' | 'mask' | 'width' | 'height' | 'bpc' | 'color'> {
  page: number;
  /** Object id of an image XObject ("9 0"), or `inline`. */
  object: string;
  placed_w_pt: number;
  placed_h_pt: number;
  ppi_x: number;
  ppi_y: number;
  /** Effective resolution: the lower of the two axes. */
  ppi: number;
  /** Bounding box on the page in fractions of the crop box, origin top-left; absent on rotated pages. */
  box?: { x: number; y: number; w: number; h: number };
}

export interface PdfColorSpaceUse extends ColorUse {
  label: string;
  pages: number[];
  /** Where it was met: `image`, `fill/stroke` (operators), `shading`, `resources` (declared only). */
  uses: string[];
}

export interface PdfOutputIntent {
  subtype: string;
  condition_identifier?: string;
  condition?: string;
  registry?: string;
  info?: string;
  profile_components?: number;
}

export interface PdfEncryption {
  filter: string;
  version?: number;
  revision?: number;
  key_bits?: number;
  /** The permission bits in words (ISO 32000-1 Table 22). */
  permissions: { print: boolean; modify: boolean; copy: boolean; annotate: boolean; print_high_quality: boolean };
}

export interface PdfStructure {
  version: string;
  page_count: number;
  pages: PdfPageBoxes[];
  /** Pages whose content streams were read (the first `detail_pages` of `page_count`). */
  detail_pages: number;
  fonts: PdfFont[];
  images: PdfImage[];
  colors: PdfColorSpaceUse[];
  output_intents: PdfOutputIntent[];
  /** The PDF/X version the file claims (Info GTS_PDFXVersion or the OutputIntent), if any. */
  pdfx?: string;
  encryption?: PdfEncryption;
  /** Pages whose content decodes past MAX_DECODED_STREAM_BYTES: not examined, not rendered. */
  oversized_pages: number[];
  /** True when content streams were read; false for encrypted files (pdf-lib cannot decrypt). */
  content_read: boolean;
  /** What limited or could not be read, in words (shown in check messages). */
  notes: string[];
}

export interface StructureOptions {
  maxDetailPages: number;
  contentLimits?: ContentLimits;
  signal?: AbortSignal;
}

export class PdfStructureError extends Error {}

export async function readStructure(bytes: Uint8Array, options: StructureOptions): Promise<PdfStructure> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false, parseSpeed: ParseSpeeds.Fastest });
  } catch (err) {
    throw new PdfStructureError(`its objects cannot be parsed (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  let pages: PDFPage[];
  try {
    pages = doc.getPages();
  } catch (err) {
    throw new PdfStructureError(`its page tree is damaged (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const ctx = doc.context;
  const notes: string[] = [];
  const encryption = readEncryption(ctx);
  const contentRead = !encryption;
  if (encryption) notes.push('the file is encrypted, so its page content was not read: images, their resolution and colour operators are judged from the resources only');

  const detailPages = Math.min(pages.length, options.maxDetailPages);
  if (detailPages < pages.length) {
    notes.push(`only the first ${detailPages} of ${pages.length} pages were examined in detail (fonts, images, colour); page sizes and boxes cover every page`);
  }

  const boxes = pages.map((p, i) => readBoxes(ctx, p, i + 1));
  const fonts = new Map<string, PdfFont>();
  const images: PdfImage[] = [];
  const colors = new Map<string, PdfColorSpaceUse>();
  const oversized: number[] = [];
  const addColor = (use: ColorUse, page: number, how: string) => {
    const label = colorLabel(use);
    const found = colors.get(label) ?? { ...use, label, pages: [], uses: [] };
    if (!found.pages.includes(page)) found.pages.push(page);
    if (!found.uses.includes(how)) found.uses.push(how);
    colors.set(label, found);
  };

  for (let i = 0; i < detailPages; i++) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    // Yield now and then so a timeout or abort can be noticed during a long walk.
    if (i % 25 === 24) await new Promise((r) => setImmediate(r));
    const pageNo = i + 1;
    const page = pages[i]!;
    const resources = asDict(ctx, page.node.Resources());
    const pageBoxes = boxes[i]!;

    for (const font of collectFonts(ctx, resources, pageNo)) {
      const known = fonts.get(font.key);
      if (known) {
        if (!known.pages.includes(pageNo)) known.pages.push(pageNo);
      } else fonts.set(font.key, font);
    }

    if (!contentRead) {
      for (const [use, how] of declaredColors(ctx, resources)) addColor(use, pageNo, how);
      continue;
    }
    const content = pageContent(ctx, page);
    if (!content) continue;
    if ('problem' in content) {
      if (content.problem === 'too-large') {
        oversized.push(pageNo);
        notes.push(`page ${pageNo}: its content decodes to more than ${MAX_DECODED_STREAM_BYTES / 1024 / 1024} MB and was not examined (a damaged or hostile file)`);
      } else notes.push(`page ${pageNo}: its content stream could not be decoded`);
      continue;
    }
    const host = makeHost(ctx);
    const found = readContent(content.bytes, resources, host, options.contentLimits ?? DEFAULT_CONTENT_LIMITS);
    if (found.truncated) notes.push(`page ${pageNo}: ${found.truncated}`);
    for (const { use, op } of found.colors) addColor(use, pageNo, colorHow(op));
    for (const img of found.images) images.push(placedImage(img, pageNo, pageBoxes));
  }

  const outputIntents = readOutputIntents(ctx, doc);
  const pdfx = pdfxClaim(ctx, outputIntents);
  return {
    version: readVersion(bytes, doc),
    page_count: pages.length,
    pages: boxes,
    detail_pages: detailPages,
    fonts: [...fonts.values()],
    images,
    colors: [...colors.values()],
    output_intents: outputIntents,
    ...(pdfx ? { pdfx } : {}),
    ...(encryption ? { encryption } : {}),
    content_read: contentRead,
    oversized_pages: oversized,
    notes,
  };
}

function colorHow(op: string): string {
  if (op === 'Do' || op === 'BI') return 'image';
  if (op === 'sh') return 'shading';
  return /^[A-Z]+$/.test(op) ? 'stroke' : 'fill';
}

export function colorLabel(use: ColorUse): string {
  if (use.family === 'Separation' || use.family === 'DeviceN') return `${use.family} ${(use.inks ?? []).join('+') || '?'}`;
  if (use.base) return `${use.family} ${use.base}`;
  return use.family;
}

// ---- boxes -------------------------------------------------------------------------------

function readBoxes(ctx: PDFContext, page: PDFPage, pageNo: number): PdfPageBoxes {
  const node = page.node;
  const rect = (value: PDFObject | undefined): PdfRect | undefined => {
    const arr = ctx.lookup(value);
    if (!(arr instanceof PDFArray) || arr.size() < 4) return undefined;
    const n = [0, 1, 2, 3].map((k) => numberOf(ctx, arr.get(k)));
    if (n.some((v) => v === undefined)) return undefined;
    const [a, b, c, d] = n as number[];
    return { x0: Math.min(a!, c!), y0: Math.min(b!, d!), x1: Math.max(a!, c!), y1: Math.max(b!, d!) };
  };
  // Page sizes default to US Letter when MediaBox is missing, as every reader does.
  const media = rect(node.getInheritableAttribute(PDFName.of('MediaBox'))) ?? { x0: 0, y0: 0, x1: 612, y1: 792 };
  // ISO 32000-1 §14.11.2: every box is clipped to the media box.
  const clip = (r: PdfRect | undefined) => (r ? intersect(r, media) : undefined);
  const crop = clip(rect(node.getInheritableAttribute(PDFName.of('CropBox')))) ?? media;
  const bleed = clip(rect(node.get(PDFName.of('BleedBox'))));
  const trim = clip(rect(node.get(PDFName.of('TrimBox'))));
  const art = clip(rect(node.get(PDFName.of('ArtBox'))));
  const rotate = numberOf(ctx, node.getInheritableAttribute(PDFName.of('Rotate'))) ?? 0;
  const userUnit = numberOf(ctx, node.get(PDFName.of('UserUnit'))) ?? 1;
  return {
    page: pageNo,
    media,
    crop,
    ...(bleed ? { bleed } : {}),
    ...(trim ? { trim } : {}),
    ...(art ? { art } : {}),
    rotate: ((rotate % 360) + 360) % 360,
    user_unit: userUnit,
  };
}

function intersect(a: PdfRect, b: PdfRect): PdfRect {
  const r = { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
  return r.x1 > r.x0 && r.y1 > r.y0 ? r : a;
}

// ---- fonts -------------------------------------------------------------------------------

/** Fonts in the page's resources and in those of the forms it uses (what pdffonts lists). */
function collectFonts(ctx: PDFContext, resources: PDFDict | undefined, pageNo: number): PdfFont[] {
  const out: PdfFont[] = [];
  const seenResources = new Set<PDFDict>();
  const visit = (res: PDFDict | undefined, depth: number) => {
    if (!res || seenResources.has(res) || depth > 12) return;
    seenResources.add(res);
    const fontDict = asDict(ctx, res.get(PDFName.of('Font')));
    for (const [name, value] of fontDict?.entries() ?? []) {
      const dict = asDict(ctx, value);
      if (!dict) continue;
      const key = value instanceof PDFRef ? `${value.objectNumber} ${value.generationNumber}` : `p${pageNo}:${name.decodeText()}`;
      out.push(describeFont(ctx, dict, key, pageNo));
      // Type 3 glyphs are content streams with resources of their own.
      visit(asDict(ctx, dict.get(PDFName.of('Resources'))), depth + 1);
    }
    const xobjects = asDict(ctx, res.get(PDFName.of('XObject')));
    for (const [, value] of xobjects?.entries() ?? []) {
      const xo = ctx.lookup(value);
      if (xo instanceof PDFStream && nameOf(ctx, xo.dict.get(PDFName.of('Subtype'))) === 'Form') visit(asDict(ctx, xo.dict.get(PDFName.of('Resources'))), depth + 1);
    }
  };
  visit(resources, 0);
  return out;
}

function describeFont(ctx: PDFContext, font: PDFDict, key: string, pageNo: number): PdfFont {
  const type = nameOf(ctx, font.get(PDFName.of('Subtype'))) ?? 'unknown';
  const baseFont = nameOf(ctx, font.get(PDFName.of('BaseFont'))) ?? nameOf(ctx, font.get(PDFName.of('Name'))) ?? '[none]'; // pdffonts' word for a nameless (usually Type 3) font
  let descriptorHolder = font;
  if (type === 'Type0') {
    const descendants = ctx.lookup(font.get(PDFName.of('DescendantFonts')));
    const first = descendants instanceof PDFArray ? asDict(ctx, descendants.get(0)) : undefined;
    if (first) descriptorHolder = first;
  }
  const descriptor = asDict(ctx, descriptorHolder.get(PDFName.of('FontDescriptor')));
  const embedded =
    type === 'Type3' || (descriptor !== undefined && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor.get(PDFName.of(k)) !== undefined));
  const subset = /^[A-Z]{6}\+/.test(baseFont);
  return { key, name: baseFont, type, embedded, subset, pages: [pageNo] };
}

// ---- content ----------------------------------------------------------------------------

/** Decoded content larger than this is not read: a few KB of Flate can inflate to gigabytes. */
export const MAX_DECODED_STREAM_BYTES = 64 * 1024 * 1024;

type Decoded = { bytes: Uint8Array } | { problem: 'too-large' | 'undecodable' };

function pageContent(ctx: PDFContext, page: PDFPage): Decoded | undefined {
  const contents = ctx.lookup(page.node.get(PDFName.of('Contents')));
  const streams: PDFObject[] = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const s of streams) {
    const stream = ctx.lookup(s);
    if (!(stream instanceof PDFStream)) continue;
    const decoded = streamBytes(ctx, stream);
    if ('problem' in decoded) return decoded;
    total += decoded.bytes.length + 1;
    if (total > MAX_DECODED_STREAM_BYTES) return { problem: 'too-large' };
    parts.push(decoded.bytes);
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return { bytes: parts[0]! };
  // Streams of one page are read as one, separated by white space (ISO 32000-1 §7.8.2).
  const joined = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
    joined[at++] = 0x0a;
  }
  return { bytes: joined };
}

function streamBytes(ctx: PDFContext, stream: PDFStream): Decoded {
  try {
    if (!(stream instanceof PDFRawStream)) return { bytes: stream.getContents() };
    const filter = ctx.lookup(stream.dict.get(PDFName.of('Filter')));
    const filters = filter instanceof PDFArray ? filter.asArray().map((f) => nameOf(ctx, f)) : filter ? [nameOf(ctx, filter)] : [];
    if (filters.length === 0) return { bytes: stream.contents };
    const parms = asDict(ctx, stream.dict.get(PDFName.of('DecodeParms')));
    const predictor = numberOf(ctx, parms?.get(PDFName.of('Predictor'))) ?? 1;
    if (filters.length === 1 && (filters[0] === 'FlateDecode' || filters[0] === 'Fl') && predictor <= 1) {
      // zlib with a ceiling (a Flate bomb stops at the limit), and tolerant of a truncated
      // stream the way viewers are (SYNC_FLUSH returns what inflated so far).
      return { bytes: inflateSync(stream.contents, { maxOutputLength: MAX_DECODED_STREAM_BYTES, finishFlush: zlibConstants.Z_SYNC_FLUSH }) };
    }
    const bytes = decodePDFRawStream(stream).decode();
    return bytes.length > MAX_DECODED_STREAM_BYTES ? { problem: 'too-large' } : { bytes };
  } catch (err) {
    return { problem: (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'undecodable' };
  }
}

function makeHost(ctx: PDFContext): ContentHost<PDFDict | undefined> {
  const resource = (res: PDFDict | undefined, category: string, name: string) => {
    const group = asDict(ctx, res?.get(PDFName.of(category)));
    return group?.get(PDFName.of(name));
  };
  const keyOf = (value: PDFObject | undefined, fallback: string) => (value instanceof PDFRef ? `${value.objectNumber} ${value.generationNumber}` : fallback);
  return {
    xobject(res, name): XObjectInfo<PDFDict | undefined> | undefined {
      const value = resource(res, 'XObject', name);
      const xo = ctx.lookup(value);
      if (!(xo instanceof PDFStream)) return undefined;
      const dict = xo.dict;
      const subtype = nameOf(ctx, dict.get(PDFName.of('Subtype')));
      const key = keyOf(value, `direct:${name}`);
      if (subtype === 'Image') {
        const mask = boolOf(ctx, dict.get(PDFName.of('ImageMask'))) === true;
        const color = mask ? undefined : resolveColorSpace(ctx, dict.get(PDFName.of('ColorSpace')), res, 0);
        return {
          kind: 'image',
          key,
          width: numberOf(ctx, dict.get(PDFName.of('Width'))) ?? 0,
          height: numberOf(ctx, dict.get(PDFName.of('Height'))) ?? 0,
          bpc: mask ? 1 : (numberOf(ctx, dict.get(PDFName.of('BitsPerComponent'))) ?? 8),
          mask,
          ...(color ? { color } : jpxColor(ctx, dict)),
        };
      }
      if (subtype === 'Form') {
        const matrix = matrixOf(ctx, dict.get(PDFName.of('Matrix')));
        // A form without resources uses its parent's (ISO 32000-1 §7.8.3, tolerated by readers).
        const formRes = asDict(ctx, dict.get(PDFName.of('Resources'))) ?? res;
        return {
          kind: 'form',
          key,
          matrix,
          resources: formRes,
          content: () => {
            const decoded = streamBytes(ctx, xo);
            return 'bytes' in decoded ? decoded.bytes : undefined;
          },
        };
      }
      return undefined;
    },
    colorSpace(res, name) {
      return resolveColorSpace(ctx, resource(res, 'ColorSpace', name), res, 0);
    },
    shading(res, name) {
      const sh = ctx.lookup(resource(res, 'Shading', name));
      const dict = sh instanceof PDFStream ? sh.dict : sh instanceof PDFDict ? sh : undefined;
      return dict ? resolveColorSpace(ctx, dict.get(PDFName.of('ColorSpace')), res, 0) : undefined;
    },
    font(res, name) {
      const value = resource(res, 'Font', name);
      const dict = asDict(ctx, value);
      if (!dict) return undefined;
      return { key: keyOf(value, `direct:${name}`), name: nameOf(ctx, dict.get(PDFName.of('BaseFont'))) ?? name };
    },
    inlineColorSpace(res, value) {
      if (value.t === 'name') {
        const abbreviated = value.v === 'I' ? undefined : deviceColorSpace(value.v);
        return abbreviated ?? resolveColorSpace(ctx, resource(res, 'ColorSpace', value.v), res, 0);
      }
      if (value.t === 'array' && value.v[0]?.t === 'name' && (value.v[0].v === 'I' || value.v[0].v === 'Indexed')) {
        const base = value.v[1];
        const baseUse = base ? this.inlineColorSpace(res, base) : undefined;
        return baseUse ? indexed(baseUse) : { family: 'Indexed', model: 'unknown' };
      }
      return undefined;
    },
  };
}

/** JPEG 2000 images may carry their colour space inside the codestream only. */
function jpxColor(ctx: PDFContext, dict: PDFDict): { color?: ColorUse } {
  const filter = ctx.lookup(dict.get(PDFName.of('Filter')));
  const names = filter instanceof PDFArray ? filter.asArray().map((f) => nameOf(ctx, f)) : [nameOf(ctx, filter)];
  return names.includes('JPXDecode') ? { color: { family: 'JPX (embedded)', model: 'unknown' } } : {};
}

function indexed(base: ColorUse): ColorUse {
  return { ...base, family: 'Indexed', base: base.family };
}

const PROCESS_INKS = new Set(['Cyan', 'Magenta', 'Yellow', 'Black']);

/** A colour space value (name or array) → how it prints. Depth-limited against cycles. */
export function resolveColorSpace(ctx: PDFContext, value: PDFObject | undefined, res: PDFDict | undefined, depth: number): ColorUse | undefined {
  if (value === undefined || depth > 8) return undefined;
  const obj = ctx.lookup(value);
  if (obj instanceof PDFName) {
    const name = obj.decodeText();
    const device = deviceColorSpace(name);
    if (device) return device;
    // A named space from the resources (inline images and forms refer by name).
    const group = asDict(ctx, res?.get(PDFName.of('ColorSpace')));
    const named = group?.get(PDFName.of(name));
    return named ? resolveColorSpace(ctx, named, res, depth + 1) : undefined;
  }
  if (!(obj instanceof PDFArray) || obj.size() === 0) return undefined;
  const family = nameOf(ctx, obj.get(0)) ?? 'unknown';
  switch (family) {
    case 'ICCBased': {
      const stream = ctx.lookup(obj.get(1));
      const n = stream instanceof PDFStream ? numberOf(ctx, stream.dict.get(PDFName.of('N'))) : undefined;
      const model = n === 1 ? 'gray' : n === 3 ? 'rgb' : n === 4 ? 'cmyk' : 'unknown';
      return { family: 'ICCBased', model, base: model === 'unknown' ? `N=${n ?? '?'}` : model.toUpperCase() };
    }
    case 'Indexed':
    case 'I': {
      const base = resolveColorSpace(ctx, obj.get(1), res, depth + 1);
      return base ? indexed(base) : { family: 'Indexed', model: 'unknown' };
    }
    case 'Separation': {
      const ink = nameOf(ctx, obj.get(1)) ?? '?';
      // "All" is registration (every plate) and "None" paints nothing: neither is a spot ink.
      if (ink === 'All' || ink === 'None') return { family: 'Separation', model: 'cmyk', inks: [ink] };
      return { family: 'Separation', model: PROCESS_INKS.has(ink) ? 'cmyk' : 'spot', inks: [ink] };
    }
    case 'DeviceN': {
      const names = ctx.lookup(obj.get(1));
      const inks = names instanceof PDFArray ? names.asArray().map((n) => nameOf(ctx, n) ?? '?') : [];
      const processOnly = inks.every((i) => PROCESS_INKS.has(i) || i === 'None');
      return { family: 'DeviceN', model: processOnly ? 'cmyk' : 'spot', inks };
    }
    case 'Lab':
      return { family: 'Lab', model: 'lab' };
    case 'CalRGB':
      return { family: 'CalRGB', model: 'rgb' };
    case 'CalGray':
      return { family: 'CalGray', model: 'gray' };
    case 'CalCMYK':
      return { family: 'CalCMYK', model: 'cmyk' };
    case 'Pattern':
      return { family: 'Pattern', model: 'pattern' };
    default:
      return deviceColorSpace(family) ?? { family, model: 'unknown' };
  }
}

/** When content cannot be read (encrypted), the resources still say what a page may use. */
function declaredColors(ctx: PDFContext, res: PDFDict | undefined): Array<[ColorUse, string]> {
  const out: Array<[ColorUse, string]> = [];
  for (const [, value] of asDict(ctx, res?.get(PDFName.of('ColorSpace')))?.entries() ?? []) {
    const use = resolveColorSpace(ctx, value, res, 0);
    if (use) out.push([use, 'resources']);
  }
  for (const [, value] of asDict(ctx, res?.get(PDFName.of('XObject')))?.entries() ?? []) {
    const xo = ctx.lookup(value);
    if (xo instanceof PDFStream && nameOf(ctx, xo.dict.get(PDFName.of('Subtype'))) === 'Image' && boolOf(ctx, xo.dict.get(PDFName.of('ImageMask'))) !== true) {
      const use = resolveColorSpace(ctx, xo.dict.get(PDFName.of('ColorSpace')), res, 0);
      if (use) out.push([use, 'image']);
    }
  }
  return out;
}

function placedImage(img: ReturnType<typeof readContent>['images'][number], page: number, boxes: PdfPageBoxes): PdfImage {
  const [a, b, c, d, e, f] = img.ctm;
  const unit = boxes.user_unit;
  // The unit square is the image: its sides become the CTM's column vectors.
  const placedW = Math.hypot(a, b) * unit;
  const placedH = Math.hypot(c, d) * unit;
  const ppiX = placedW > 0 ? (img.width * 72) / placedW : 0;
  const ppiY = placedH > 0 ? (img.height * 72) / placedH : 0;
  const corners = [
    [e, f],
    [a + e, b + f],
    [c + e, d + f],
    [a + c + e, b + d + f],
  ];
  const xs = corners.map((p) => p[0]!);
  const ys = corners.map((p) => p[1]!);
  const crop = boxes.crop;
  const cw = crop.x1 - crop.x0;
  const ch = crop.y1 - crop.y0;
  // The visible part only (evidence boxes are 0..1 of the page); none for an image off the page.
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const left = clamp((Math.min(...xs) - crop.x0) / cw);
  const right = clamp((Math.max(...xs) - crop.x0) / cw);
  const top = clamp((crop.y1 - Math.max(...ys)) / ch);
  const bottom = clamp((crop.y1 - Math.min(...ys)) / ch);
  const box =
    boxes.rotate === 0 && cw > 0 && ch > 0 && right > left && bottom > top
      ? { x: round4(left), y: round4(top), w: round4(right - left), h: round4(bottom - top) }
      : undefined;
  return {
    page,
    object: img.inline ? 'inline' : img.key,
    inline: img.inline,
    mask: img.mask,
    width: img.width,
    height: img.height,
    bpc: img.bpc,
    ...(img.color ? { color: img.color } : {}),
    placed_w_pt: round2(placedW),
    placed_h_pt: round2(placedH),
    ppi_x: round2(ppiX),
    ppi_y: round2(ppiY),
    ppi: round2(Math.min(ppiX, ppiY)),
    ...(box ? { box } : {}),
  };
}

// ---- document-level ----------------------------------------------------------------------

function readEncryption(ctx: PDFContext): PdfEncryption | undefined {
  const encrypt = asDict(ctx, ctx.trailerInfo.Encrypt);
  if (!encrypt) return undefined;
  const p = numberOf(ctx, encrypt.get(PDFName.of('P'))) ?? -1;
  // Bits are 1-based in the standard: bit 3 print, 4 modify, 5 copy, 6 annotate, 12 high-quality print.
  const bit = (n: number) => (p & (1 << (n - 1))) !== 0;
  const version = numberOf(ctx, encrypt.get(PDFName.of('V')));
  const revision = numberOf(ctx, encrypt.get(PDFName.of('R')));
  const length = numberOf(ctx, encrypt.get(PDFName.of('Length')));
  return {
    filter: nameOf(ctx, encrypt.get(PDFName.of('Filter'))) ?? 'unknown',
    ...(version !== undefined ? { version } : {}),
    ...(revision !== undefined ? { revision } : {}),
    ...(length !== undefined ? { key_bits: length } : version === 5 ? { key_bits: 256 } : {}),
    permissions: { print: bit(3), modify: bit(4), copy: bit(5), annotate: bit(6), print_high_quality: revision !== undefined && revision >= 3 ? bit(12) : bit(3) },
  };
}

function readOutputIntents(ctx: PDFContext, doc: PDFDocument): PdfOutputIntent[] {
  const list = ctx.lookup(doc.catalog.get(PDFName.of('OutputIntents')));
  if (!(list instanceof PDFArray)) return [];
  const out: PdfOutputIntent[] = [];
  for (const item of list.asArray()) {
    const dict = asDict(ctx, item);
    if (!dict) continue;
    const profile = ctx.lookup(dict.get(PDFName.of('DestOutputProfile')));
    const n = profile instanceof PDFStream ? numberOf(ctx, profile.dict.get(PDFName.of('N'))) : undefined;
    const text = (k: string) => textOf(ctx, dict.get(PDFName.of(k)));
    const identifier = text('OutputConditionIdentifier');
    const condition = text('OutputCondition');
    const registry = text('RegistryName');
    const info = text('Info');
    out.push({
      subtype: nameOf(ctx, dict.get(PDFName.of('S'))) ?? 'unknown',
      ...(identifier ? { condition_identifier: identifier } : {}),
      ...(condition ? { condition } : {}),
      ...(registry ? { registry } : {}),
      ...(info ? { info } : {}),
      ...(n !== undefined ? { profile_components: n } : {}),
    });
  }
  return out;
}

function pdfxClaim(ctx: PDFContext, intents: PdfOutputIntent[]): string | undefined {
  const info = asDict(ctx, ctx.trailerInfo.Info);
  const version = textOf(ctx, info?.get(PDFName.of('GTS_PDFXVersion')));
  if (version) return version;
  return intents.some((i) => i.subtype === 'GTS_PDFX') ? 'PDF/X (OutputIntent GTS_PDFX)' : undefined;
}

function readVersion(bytes: Uint8Array, doc: PDFDocument): string {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const header = /%PDF-(\d\.\d)/.exec(head)?.[1];
  // The catalog's /Version overrides the header when later (ISO 32000-1 §7.2.2).
  const catalogVersion = nameOf(doc.context, doc.catalog.get(PDFName.of('Version')));
  if (catalogVersion && (!header || Number(catalogVersion) > Number(header))) return catalogVersion;
  return header ?? 'unknown';
}

// ---- small object helpers ----------------------------------------------------------------

function asDict(ctx: PDFContext, value: PDFObject | undefined): PDFDict | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFDict ? obj : undefined;
}

function numberOf(ctx: PDFContext, value: PDFObject | undefined): number | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFNumber ? obj.asNumber() : undefined;
}

function nameOf(ctx: PDFContext, value: PDFObject | undefined): string | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

function boolOf(ctx: PDFContext, value: PDFObject | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFBool ? obj.asBoolean() : undefined;
}

function textOf(ctx: PDFContext, value: PDFObject | undefined): string | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  if (obj instanceof PDFString || obj instanceof PDFHexString) return obj.decodeText();
  if (obj instanceof PDFName) return obj.decodeText();
  return undefined;
}

function matrixOf(ctx: PDFContext, value: PDFObject | undefined): Matrix {
  const arr = value === undefined ? undefined : ctx.lookup(value);
  if (arr instanceof PDFArray && arr.size() === 6) {
    const n = arr.asArray().map((v) => numberOf(ctx, v));
    if (n.every((v) => v !== undefined)) return n as Matrix;
  }
  return [1, 0, 0, 1, 0, 0];
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
