/**
 * What ./graphics.ts asks of the file, answered from pdf-lib objects: ExtGState entries,
 * named colour spaces, and whether an XObject or a page brings transparency with it.
 */
import type { PDFContext, PDFDict, PDFObject, PDFPage } from 'pdf-lib';
import { PDFArray, PDFName, PDFStream } from 'pdf-lib';
import type { ExtGStateInfo, GraphicsHost } from './graphics.js';
import { asDict, boolOf, nameOf, numberOf } from './objects.js';
import { resolveColorSpace } from './resources.js';

export function makeGraphicsHost(ctx: PDFContext): GraphicsHost<PDFDict | undefined> {
  const resource = (res: PDFDict | undefined, category: string, name: string): PDFObject | undefined => asDict(ctx, res?.get(PDFName.of(category)))?.get(PDFName.of(name));
  const cache = new Map<PDFObject, ExtGStateInfo | undefined>();
  return {
    extGState(res, name) {
      const value = resource(res, 'ExtGState', name);
      if (value === undefined) return undefined;
      if (cache.has(value)) return cache.get(value);
      const dict = asDict(ctx, value);
      const info = dict ? readExtGState(ctx, dict) : undefined;
      cache.set(value, info);
      return info;
    },
    colorSpace(res, name) {
      return resolveColorSpace(ctx, resource(res, 'ColorSpace', name), res, 0);
    },
    xobjectTransparency(res, name) {
      const xo = ctx.lookup(resource(res, 'XObject', name));
      if (!(xo instanceof PDFStream)) return undefined;
      const subtype = nameOf(ctx, xo.dict.get(PDFName.of('Subtype')));
      if (subtype === 'Image') {
        if (asDict(ctx, xo.dict.get(PDFName.of('SMask')))) return 'image with a soft mask (SMask)';
        if ((numberOf(ctx, xo.dict.get(PDFName.of('SMaskInData'))) ?? 0) > 0) return 'image with alpha in its data (SMaskInData)';
        return undefined;
      }
      if (subtype === 'Form' && isTransparencyGroup(ctx, xo.dict.get(PDFName.of('Group')))) return 'transparency group (form)';
      return undefined;
    },
  };
}

/** The page's own /Group of subtype Transparency (PDF/X-1a has none). */
export function pageTransparency(ctx: PDFContext, page: PDFPage): string | undefined {
  return isTransparencyGroup(ctx, page.node.get(PDFName.of('Group'))) ? 'transparency group (page)' : undefined;
}

function isTransparencyGroup(ctx: PDFContext, value: PDFObject | undefined): boolean {
  const group = asDict(ctx, value);
  return group !== undefined && nameOf(ctx, group.get(PDFName.of('S'))) === 'Transparency';
}

function readExtGState(ctx: PDFContext, dict: PDFDict): ExtGStateInfo {
  const get = (k: string) => dict.get(PDFName.of(k));
  const info: ExtGStateInfo = {};
  const lw = numberOf(ctx, get('LW'));
  if (lw !== undefined) info.LW = lw;
  const OP = boolOf(ctx, get('OP'));
  if (OP !== undefined) info.OP = OP;
  const op = boolOf(ctx, get('op'));
  if (op !== undefined) info.op = op;
  const opm = numberOf(ctx, get('OPM'));
  if (opm !== undefined) info.OPM = opm;
  const CA = numberOf(ctx, get('CA'));
  if (CA !== undefined) info.CA = CA;
  const ca = numberOf(ctx, get('ca'));
  if (ca !== undefined) info.ca = ca;
  // BM may be a name or an array of names (the first one the reader knows is used).
  const bm = ctx.lookup(get('BM'));
  const bmName = bm instanceof PDFArray ? nameOf(ctx, bm.get(0)) : nameOf(ctx, bm);
  if (bmName !== undefined) info.BM = bmName;
  const smask = get('SMask');
  if (smask !== undefined && nameOf(ctx, smask) !== 'None' && asDict(ctx, smask)) info.SMask = true;
  return info;
}
