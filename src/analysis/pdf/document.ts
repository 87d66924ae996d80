/**
 * pdf.js (Mozilla's PDF engine, legacy build for Node): opens the file the way a viewer
 * does — repairing broken cross-reference tables, asking for a password when one is needed —
 * and is used for what it does best: the text layer and rendering page 1.
 */
import { fileURLToPath } from 'node:url';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentLoadingTask, PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { AiqcError } from '../../qc/errors.js';

export type { PDFDocumentProxy, PDFPageProxy };

// pdf.js draws the 14 standard fonts from these files when a PDF does not embed them.
const STANDARD_FONTS = fileURLToPath(new URL('standard_fonts/', import.meta.resolve('pdfjs-dist/package.json')));

/**
 * pdf.js (and the @napi-rs/canvas it loads with it) costs about half a second and 50 MB to
 * load: only a PDF run pays for it, the first time a document is opened.
 */
type PdfJs = typeof PdfJsModule;
let pdfjs: Promise<PdfJs> | undefined;
const loadPdfJs = (): Promise<PdfJs> => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

export class PdfOpenError extends AiqcError {
  constructor(
    readonly reason: 'password' | 'invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(reason === 'password' ? 'pdf_needs_password' : 'pdf_invalid', message, options);
  }
}

export interface OpenedPdf {
  doc: PDFDocumentProxy;
  close(): Promise<void>;
}

/** Open with pdf.js; the caller closes. The bytes are copied: pdf.js may transfer its input. */
export async function openWithPdfJs(bytes: Uint8Array): Promise<OpenedPdf> {
  const { getDocument, PasswordResponses, VerbosityLevel } = await loadPdfJs();
  const task: PDFDocumentLoadingTask = getDocument({
    data: new Uint8Array(bytes),
    verbosity: VerbosityLevel.ERRORS,
    standardFontDataUrl: STANDARD_FONTS,
    // Fonts become canvas paths, not FontFace objects (there is no DOM in Node).
    disableFontFace: true,
    useSystemFonts: false,
  });
  try {
    const doc = await task.promise;
    return { doc, close: () => task.destroy() };
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const e = err as { name?: string; code?: number; message?: string };
    if (e?.name === 'PasswordException') {
      throw new PdfOpenError(
        'password',
        e.code === PasswordResponses.INCORRECT_PASSWORD ? 'the PDF is password-protected (the password was refused)' : 'the PDF is password-protected: it cannot be opened without its password',
        { cause: err },
      );
    }
    throw new PdfOpenError('invalid', `the PDF is damaged and cannot be opened (${e?.message ?? String(err)})`, { cause: err });
  }
}

interface CanvasAndContext {
  canvas: { toBuffer(mime: 'image/jpeg', quality?: number): Buffer };
  context: unknown;
}

interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(c: CanvasAndContext): void;
}

/**
 * Page `pageNo` as a JPEG whose longer side is at most `maxSide` pixels (and never more than
 * `maxPixels`), on white. Cancelled when `signal` aborts.
 */
export async function renderPageJpeg(doc: PDFDocumentProxy, pageNo: number, opts: { maxSide: number; maxPixels: number; signal: AbortSignal }): Promise<Buffer> {
  const page = await doc.getPage(pageNo);
  try {
    const base = page.getViewport({ scale: 1 });
    let scale = opts.maxSide / Math.max(base.width, base.height);
    const pixels = base.width * base.height * scale * scale;
    if (pixels > opts.maxPixels) scale *= Math.sqrt(opts.maxPixels / pixels);
    const viewport = page.getViewport({ scale });
    const factory = doc.canvasFactory as CanvasFactory;
    const target = factory.create(Math.max(1, Math.round(viewport.width)), Math.max(1, Math.round(viewport.height)));
    try {
      const task = page.render({ canvas: target.canvas as never, canvasContext: target.context as never, viewport, background: '#ffffff' });
      const cancel = () => task.cancel();
      opts.signal.addEventListener('abort', cancel, { once: true });
      try {
        await task.promise;
      } finally {
        opts.signal.removeEventListener('abort', cancel);
      }
      return target.canvas.toBuffer('image/jpeg', 80);
    } finally {
      factory.destroy(target);
    }
  } finally {
    page.cleanup();
  }
}
