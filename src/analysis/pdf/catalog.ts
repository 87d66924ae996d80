/**
 * Page boxes and the document-level facts: encryption and its permission bits, OutputIntents,
 * the PDF/X claim and the version.
 */
import type { PDFContext, PDFDocument, PDFObject, PDFPage } from 'pdf-lib';
import { PDFArray, PDFName, PDFStream } from 'pdf-lib';
import { asDict, nameOf, numberOf, textOf } from './objects.js';
import type { PdfEncryption, PdfOutputIntent, PdfPageBoxes, PdfRect } from './types.js';

export function readBoxes(ctx: PDFContext, page: PDFPage, pageNo: number): PdfPageBoxes {
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

export function readEncryption(ctx: PDFContext): PdfEncryption | undefined {
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

export function readOutputIntents(ctx: PDFContext, doc: PDFDocument): PdfOutputIntent[] {
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

export function pdfxClaim(ctx: PDFContext, intents: PdfOutputIntent[]): string | undefined {
  const info = asDict(ctx, ctx.trailerInfo.Info);
  const version = textOf(ctx, info?.get(PDFName.of('GTS_PDFXVersion')));
  if (version) return version;
  return intents.some((i) => i.subtype === 'GTS_PDFX') ? 'PDF/X (OutputIntent GTS_PDFX)' : undefined;
}

export function readVersion(bytes: Uint8Array, doc: PDFDocument): string {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const header = /%PDF-(\d\.\d)/.exec(head)?.[1];
  // The catalog's /Version overrides the header when later (ISO 32000-1 §7.2.2).
  const catalogVersion = nameOf(doc.context, doc.catalog.get(PDFName.of('Version')));
  if (catalogVersion && (!header || Number(catalogVersion) > Number(header))) return catalogVersion;
  return header ?? 'unknown';
}

