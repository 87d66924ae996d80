/**
 * What a page's resources name, resolved through pdf-lib: fonts (as pdffonts lists them),
 * XObjects and colour spaces (classified by what they print as), for ./content.ts's walk and
 * for the declared-only view of an encrypted file.
 */
import type { PDFContext, PDFObject } from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFRef, PDFStream } from 'pdf-lib';
import { deviceColorSpace, type ColorUse, type ContentHost, type XObjectInfo } from './content.js';
import { asDict, boolOf, matrixOf, nameOf, numberOf } from './objects.js';
import { streamBytes } from './streams.js';
import type { PdfFont } from './types.js';

/** Fonts in the page's resources and in those of the forms it uses (what pdffonts lists). */
export function collectFonts(ctx: PDFContext, resources: PDFDict | undefined, pageNo: number): PdfFont[] {
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

export function makeHost(ctx: PDFContext): ContentHost<PDFDict | undefined> {
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
export function declaredColors(ctx: PDFContext, res: PDFDict | undefined): Array<[ColorUse, string]> {
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

