/**
 * Opening a PDF: the bytes (with the cheap refusals), pdf.js's document, the probe (structure
 * from pdf-lib objects + our content reader) and the page-1 thumbnail.
 */
import { readFile } from 'node:fs/promises';
import { AssetUnreadableError } from '../../qc/errors.js';
import type { Analysis, AnalysisContext, ProbeResult } from '../../qc/types.js';
import { openWithPdfJs, PdfOpenError, renderPageJpeg, type PDFDocumentProxy } from './document.js';
import { pdfSettings } from './settings.js';
import { PdfStructureError, type PdfRect, type PdfStructure } from './types.js';

/** The probe's details: everything the pdf.* checks read. */
export type PdfDetails = PdfStructure;

const MM_PER_PT = 25.4 / 72;

/** The file's bytes, after the cheap checks that catch truncated and oversized uploads. */
export const pdfSource: Analysis<Uint8Array> = {
  id: 'pdf.source',
  async compute(ctx) {
    const settings = pdfSettings(ctx.env);
    const { size_bytes, name } = ctx.asset;
    if (size_bytes > settings.max_file_mb * 1e6) {
      throw new AssetUnreadableError(
        `${name} is ${(size_bytes / 1e6).toFixed(0)} MB, over the ${settings.max_file_mb} MB limit for PDF preflight; it was not opened, to protect the machine. ` +
          'Send a smaller file (for example one PDF per section) or raise the pdf.max_file_mb setting if such files are expected',
      );
    }
    const bytes = new Uint8Array(await readFile(ctx.asset.path, { signal: ctx.signal }));
    const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
    if (!head.includes('%PDF-')) throw new AssetUnreadableError('the file does not start with a PDF header (%PDF-): it is not a PDF, or its start is damaged; export the PDF again');
    // Every writer ends the file with %%EOF; a file cut short in transfer does not. But a file
    // without the marker whose objects and trailer are all there opens in poppler and qpdf
    // (they rebuild the cross-reference table): only missing data means "cut short".
    if (isCutShort(bytes)) {
      throw new AssetUnreadableError(
        'the PDF is incomplete: it has no end-of-file marker (%%EOF) and ends inside its data, so it was cut short during export or upload; upload the complete file again',
      );
    }
    return bytes;
  },
};

/**
 * No %%EOF (anywhere: junk may follow it) and data missing: the file ends inside an object or
 * a stream, or after its last object with neither a trailer nor startxref to follow.
 */
export function isCutShort(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.lastIndexOf('%%EOF') >= 0) return false;
  // The last keyword that is not the tail of its end keyword ("stream" in "endstream").
  const lastOpening = (word: string): number => {
    let at = buf.lastIndexOf(word);
    while (at >= 3 && buf.toString('latin1', at - 3, at) === 'end') at = at === 3 ? -1 : buf.lastIndexOf(word, at - 1);
    return at;
  };
  const endobj = buf.lastIndexOf('endobj');
  if (lastOpening('stream') > buf.lastIndexOf('endstream')) return true;
  if (lastOpening('obj') > endobj) return true;
  return Math.max(buf.lastIndexOf('trailer'), buf.lastIndexOf('startxref')) < endobj;
}

/** pdf.js's view of the file, closed when the run ends (the engine aborts `ctx.signal` then). */
export const pdfDocument: Analysis<PDFDocumentProxy> = {
  id: 'pdf.document',
  async compute(ctx) {
    const bytes = await ctx.get(pdfSource);
    let opened;
    try {
      opened = await openWithPdfJs(bytes);
    } catch (err) {
      // pdf.js refuses some files that poppler and qpdf open with an empty password (an empty
      // owner password under AES-256): then it reads our decrypted copy of them.
      const copy = err instanceof PdfOpenError && err.reason === 'password' ? await (await import('./decrypt.js')).decryptedCopy(bytes) : undefined;
      opened = copy ? await openWithPdfJs(copy).catch(() => undefined) : undefined;
      if (!opened && err instanceof PdfOpenError) {
        const fix =
          err.reason === 'password'
            ? 'send a copy without an open password (in Acrobat: File › Properties › Security › No Security)'
            : 'export or save the PDF again from the design application';
        throw new AssetUnreadableError(`${err.message}: ${fix}`, { cause: err });
      }
      if (!opened) throw err;
    }
    if (ctx.signal.aborted) await opened.close();
    else ctx.signal.addEventListener('abort', () => void opened.close(), { once: true });
    return opened.doc;
  },
};

export const pdfProbe: Analysis<ProbeResult<PdfDetails>> = {
  id: 'pdf.probe',
  async compute(ctx) {
    const settings = pdfSettings(ctx.env);
    const bytes = await ctx.get(pdfSource);
    const doc = await ctx.get(pdfDocument);
    let details: PdfStructure;
    try {
      // pdf-lib loads with the first PDF, not with the CLI (bench/startup.ts).
      const { readStructure } = await import('./structure.js');
      details = await readStructure(bytes, { maxDetailPages: settings.max_detail_pages, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      // pdf.js opened it, but its objects do not hold together for a structural read.
      const reason = err instanceof PdfStructureError ? err.message : `its structure could not be read (${err instanceof Error ? err.message : String(err)})`;
      throw new AssetUnreadableError(`the PDF is damaged: ${reason}; export it again`, { cause: err });
    }
    if (details.page_count !== doc.numPages) {
      details.notes.push(`the page tree lists ${details.page_count} pages where a viewer finds ${doc.numPages}; the file may be damaged`);
    }
    if (details.page_count === 0) {
      throw new AssetUnreadableError(
        doc.numPages > 0 ? `the PDF's page tree is damaged (a viewer guesses ${doc.numPages} page${doc.numPages === 1 ? '' : 's'}, its structure lists none): export it again` : 'the PDF has no pages: export it again',
      );
    }
    return { format: 'pdf', info: infoOf(details), details };
  },
};

function infoOf(d: PdfStructure): Record<string, unknown> {
  const first = d.pages[0]!;
  const trim = first.trim ?? first.crop;
  const intent = d.output_intents[0];
  return {
    pdf_version: d.version,
    pages: d.page_count,
    page_size_mm: sizeLabel(trim, first.user_unit),
    page_size_from: first.trim ? 'TrimBox' : first.crop === first.media ? 'MediaBox' : 'CropBox',
    has_bleed_box: d.pages.some((p) => p.bleed !== undefined),
    fonts: d.fonts.length,
    fonts_not_embedded: d.fonts.filter((f) => !f.embedded).length,
    images: d.images.filter((i) => !i.mask).length,
    colour_spaces: d.colors.map((c) => c.label),
    ...(intent ? { output_intent: intent.condition_identifier ?? intent.subtype } : {}),
    ...(d.pdfx ? { pdfx: d.pdfx } : {}),
    encrypted: d.encryption !== undefined,
    ...(d.detail_pages < d.page_count ? { pages_examined: d.detail_pages } : {}),
  };
}

export function sizeMm(rect: PdfRect, userUnit = 1): { width_mm: number; height_mm: number } {
  return { width_mm: round1((rect.x1 - rect.x0) * userUnit * MM_PER_PT), height_mm: round1((rect.y1 - rect.y0) * userUnit * MM_PER_PT) };
}

function sizeLabel(rect: PdfRect, userUnit: number): string {
  const { width_mm, height_mm } = sizeMm(rect, userUnit);
  return `${width_mm}x${height_mm}mm`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export const pdfThumbnail: Analysis<Buffer | undefined> = {
  id: 'pdf.thumbnail',
  async compute(ctx: AnalysisContext) {
    const { details } = await ctx.get(pdfProbe); // never render what the probe refused
    // pdf.js would inflate the whole stream to draw it: no thumbnail beats an exhausted machine.
    if (details.oversized_pages.includes(1)) return undefined;
    const doc = await ctx.get(pdfDocument);
    const settings = pdfSettings(ctx.env);
    return renderPageJpeg(doc, 1, { maxSide: settings.thumbnail_px, maxPixels: ctx.env.maxPixels, signal: ctx.signal });
  },
};
