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
import { PDFDocument, ParseSpeeds, type PDFDict, type PDFPage } from 'pdf-lib';
import { printedAppearances } from './annotations.js';
import { retypePageTree, withParsableHeader } from './repair.js';
import { readBoxes, readEncryption, readOutputIntents, readVersion, pdfxClaim } from './catalog.js';
import { decryptWithEmptyPassword } from './decrypt.js';
import { DEFAULT_CONTENT_LIMITS, readContent, type ColorUse } from './content.js';
import { GraphicsReader } from './graphics.js';
import { makeGraphicsHost, pageTransparency } from './graphics-host.js';
import { asDict, round2, round4 } from './objects.js';
import { collectFonts, declaredColors, makeHost } from './resources.js';
import { MAX_DECODED_STREAM_BYTES, pageContent } from './streams.js';
import { PdfStructureError, type GraphicsFindings, type PdfColorSpaceUse, type PdfFont, type PdfImage, type PdfPageBoxes, type PdfStructure, type StructureOptions } from './types.js';

export * from './types.js';
export { MAX_DECODED_STREAM_BYTES } from './streams.js';
export { resolveColorSpace } from './resources.js';

export async function readStructure(bytes: Uint8Array, options: StructureOptions): Promise<PdfStructure> {
  let doc: PDFDocument;
  const load = (b: Uint8Array) => PDFDocument.load(b, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false, parseSpeed: ParseSpeeds.Fastest });
  try {
    doc = await load(bytes);
  } catch (err) {
    // A malformed header ("%PDF-1.") stops pdf-lib but not poppler or qpdf.
    const fixed = withParsableHeader(bytes);
    const retried = fixed ? await load(fixed).catch(() => undefined) : undefined;
    if (!retried) throw new PdfStructureError(`its objects cannot be parsed (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    doc = retried;
  }
  const ctx = doc.context;
  const notes: string[] = [];
  const encryption = readEncryption(ctx);
  // An empty user password opens the file in every viewer: decrypt it and read it in full.
  const decrypted = encryption ? (await decryptWithEmptyPassword(ctx)) === 'decrypted' : false;
  retypePageTree(ctx);
  // The catalog may live in a just-decrypted object stream, or have been retyped.
  Reflect.set(doc, 'catalog', ctx.lookup(ctx.trailerInfo.Root));
  const contentRead = !encryption || decrypted;
  if (!contentRead) notes.push('the file is encrypted, so its page content was not read: images, their resolution and colour operators are judged from the resources only');
  let pages: PDFPage[];
  try {
    pages = doc.getPages();
  } catch (err) {
    throw new PdfStructureError(`its page tree is damaged (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }

  const detailPages = Math.min(pages.length, options.maxDetailPages);
  if (detailPages < pages.length) {
    notes.push(`only the first ${detailPages} of ${pages.length} pages were examined in detail (fonts, images, colour); page sizes and boxes cover every page`);
  }

  const boxes = pages.map((p, i) => readBoxes(ctx, p, i + 1));
  const fonts = new Map<string, PdfFont>();
  const images: PdfImage[] = [];
  const colors = new Map<string, PdfColorSpaceUse>();
  const oversized: number[] = [];
  const graphics: GraphicsFindings = { strokes: [], overprint: [], transparency: [] };
  const graphicsHost = makeGraphicsHost(ctx);
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

    const addFonts = (res: PDFDict | undefined) => {
      for (const font of collectFonts(ctx, res, pageNo)) {
        const known = fonts.get(font.key);
        if (known) {
          if (!known.pages.includes(pageNo)) known.pages.push(pageNo);
        } else fonts.set(font.key, font);
      }
    };
    addFonts(resources);

    if (!contentRead) {
      for (const [use, how] of declaredColors(ctx, resources)) addColor(use, pageNo, how);
      continue;
    }
    // Line widths, overprint and transparency, followed in the same walk (./graphics.ts).
    const gfx = new GraphicsReader(graphicsHost, pageNo, pageBoxes.user_unit);
    const pageGroup = pageTransparency(ctx, page);
    if (pageGroup) gfx.noteTransparency(pageGroup);
    // Printable annotations (stamps, ink, filled fields) print their appearance streams.
    for (const ap of printedAppearances(ctx, page)) {
      addFonts(ap.resources);
      if ('problem' in ap.content) {
        notes.push(`page ${pageNo}: the appearance of a ${ap.subtype} annotation could not be decoded`);
        continue;
      }
      const found = readContent(ap.content.bytes, ap.resources, makeHost(ctx), options.contentLimits ?? DEFAULT_CONTENT_LIMITS, ap.ctm, gfx);
      if (found.truncated) notes.push(`page ${pageNo}, ${ap.subtype} annotation: ${found.truncated}`);
      for (const { use, op } of found.colors) addColor(use, pageNo, colorHow(op));
      for (const img of found.images) images.push(placedImage(img, pageNo, pageBoxes));
    }
    const content = pageContent(ctx, page);
    if (!content || 'problem' in content) addGraphics(graphics, gfx.findings());
    if (!content) continue;
    if ('problem' in content) {
      if (content.problem === 'too-large') {
        oversized.push(pageNo);
        notes.push(`page ${pageNo}: its content decodes to more than ${MAX_DECODED_STREAM_BYTES / 1024 / 1024} MB and was not examined (a damaged or hostile file)`);
      } else notes.push(`page ${pageNo}: its content stream could not be decoded`);
      continue;
    }
    const host = makeHost(ctx);
    const found = readContent(content.bytes, resources, host, options.contentLimits ?? DEFAULT_CONTENT_LIMITS, undefined, gfx);
    addGraphics(graphics, gfx.findings());
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
    graphics,
    notes,
  };
}

/** A page's findings, once its annotations and content have been walked. */
function addGraphics(into: GraphicsFindings, page: GraphicsFindings): void {
  into.strokes.push(...page.strokes);
  into.overprint.push(...page.overprint);
  into.transparency.push(...page.transparency);
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

