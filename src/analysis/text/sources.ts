/**
 * Where text comes from, by asset kind. Images are OCRed; a PDF reads its text layer and
 * OCRs only pages that have none; a video OCRs scene keyframes. Each source returns the
 * same `TextPage` shape, so the text checks never know which one ran.
 */
import { imagePixels, imageProbe } from '../image.js';
import { pdfDocument, pdfText } from '../pdf/index.js';
import { renderPageJpeg } from '../pdf/document.js';
import { videoKeyframes } from './keyframes.js';
import { NotApplicableError } from '../../qc/errors.js';
import type { Analysis, AnalysisContext, AssetKind } from '../../qc/types.js';
import { ocrCodes } from './languages.js';
import { withOcrWorker } from './ocr.js';
import type { TextPage } from './types.js';

export interface SourcedText {
  pages: TextPage[];
  engine: string;
}

export type TextSource = (ctx: AnalysisContext, languages: readonly string[]) => Promise<SourcedText>;

export const OCR_ENGINE_NAME = 'tesseract.js 7 (LSTM, best_int)';

export const imageTextSource: TextSource = async (ctx, languages) => {
  await ctx.get(imageProbe); // never decode what the probe refused (size limit, damage)
  const codes = ocrCodes(languages);
  // The pixels the probe read: for a JPEG 2000, the PNG FFmpeg decoded (sharp cannot read JP2).
  const pixels = await ctx.get(imagePixels);
  const page = await withOcrWorker(codes, ctx.env.tmpDir, ctx.signal, (read) => read(pixels));
  return { pages: [{ origin: 'ocr', words: page.words }], engine: `ocr: ${OCR_ENGINE_NAME} [${codes.join('+')}]` };
};

/**
 * A PDF's text layer as the PDF family extracts it (`pdfText` on branch `pdf` has this
 * shape): per page, text runs with their box in fractions of the page, origin top-left.
 * A page with no runs is image-only (or outlined text).
 */
export interface PdfTextLayerPage {
  page: number;
  items: Array<{ text: string; box: { x: number; y: number; w: number; h: number } }>;
}

export interface PdfTextLayerLike {
  pages: PdfTextLayerPage[];
  /** Why some pages were not read, in words. */
  truncated?: string;
}

export interface PdfTextSourceDeps {
  /** The PDF family's text layer. */
  textLayer: Analysis<PdfTextLayerLike, never>;
  /** Renders one page to PNG/JPEG for OCR; without it, image-only pages are reported unread. */
  renderPage?: (ctx: AnalysisContext, page: number) => Promise<Buffer>;
}

/**
 * The PDF source: the text layer first (exact, no OCR), OCR only for pages without one.
 * Wired in with the PDF family's analyses (see `TEXT_SOURCES`).
 */
export function createPdfTextSource(deps: PdfTextSourceDeps): TextSource {
  return async (ctx, languages) => {
    const layer = await ctx.get(deps.textLayer);
    const pages: TextPage[] = [];
    const imageOnly: number[] = [];
    for (const p of layer.pages) {
      const words = wordsFromRuns(p.items);
      if (words.length > 0) pages.push({ page: p.page, origin: 'text-layer', words });
      else imageOnly.push(p.page);
    }
    let engine = 'text layer';
    if (imageOnly.length > 0 && deps.renderPage) {
      const codes = ocrCodes(languages);
      await withOcrWorker(codes, ctx.env.tmpDir, ctx.signal, async (read) => {
        for (const page of imageOnly) pages.push({ page, origin: 'ocr', words: (await read(await deps.renderPage!(ctx, page))).words });
      });
      engine += ` + ocr: ${OCR_ENGINE_NAME} [${codes.join('+')}] on page ${imageOnly.join(', ')}`;
    } else if (imageOnly.length > 0) {
      engine += `; page ${imageOnly.join(', ')} has no text layer and was not read (no page renderer for OCR)`;
    }
    if (layer.truncated) engine += `; ${layer.truncated}`;
    pages.sort((a, b) => (a.page ?? 0) - (b.page ?? 0));
    return { pages, engine };
  };
}

/** A video's scene keyframes (from the av family) as JPEG/PNG with their time. */
export interface VideoKeyframe {
  image: Buffer;
  time_s: number;
}

/** The video source: OCR of each scene keyframe, one page per frame, placed by `time_s`. */
export function createVideoTextSource(keyframes: (ctx: AnalysisContext) => Promise<VideoKeyframe[]>): TextSource {
  return async (ctx, languages) => {
    const frames = await keyframes(ctx);
    const codes = ocrCodes(languages);
    const pages: TextPage[] = [];
    await withOcrWorker(codes, ctx.env.tmpDir, ctx.signal, async (read) => {
      for (const f of frames) pages.push({ time_s: f.time_s, origin: 'ocr', words: (await read(f.image)).words });
    });
    return { pages, engine: `ocr: ${OCR_ENGINE_NAME} [${codes.join('+')}] on ${frames.length} keyframe${frames.length === 1 ? '' : 's'}` };
  };
}

/** Text runs → words, each run's box shared out by character count (runs are one font and size). */
export function wordsFromRuns(runs: PdfTextLayerPage['items']): TextPage['words'] {
  const words: TextPage['words'] = [];
  let line = -1;
  let lastY: number | undefined;
  for (const run of runs) {
    if (!run.text.trim()) continue;
    if (lastY === undefined || Math.abs(run.box.y - lastY) > run.box.h / 2) line++;
    lastY = run.box.y;
    const perChar = run.text.length > 0 ? run.box.w / run.text.length : 0;
    for (const m of run.text.matchAll(/\S+/g)) {
      words.push({ text: m[0], box: { x: run.box.x + m.index * perChar, y: run.box.y, w: m[0].length * perChar, h: run.box.h }, line });
    }
  }
  return words;
}

/**
 * Text sources by kind: OCR for images; the PDF family's text layer (OCR for image-only
 * pages, rendered by the PDF family); OCR of the video's scene keyframes.
 */
export const TEXT_SOURCES: Partial<Record<AssetKind, TextSource>> = {
  image: imageTextSource,
  pdf: createPdfTextSource({
    textLayer: pdfText,
    // Image-only pages are rendered at OCR size (long side ~2400 px: small print stays readable).
    renderPage: async (ctx, page) => renderPageJpeg(await ctx.get(pdfDocument), page, { maxSide: 2400, maxPixels: ctx.env.maxPixels, signal: ctx.signal }),
  }),
  video: createVideoTextSource((ctx) => ctx.get(videoKeyframes)),
};

export function textSourceFor(kind: AssetKind, sources: Partial<Record<AssetKind, TextSource>> = TEXT_SOURCES): TextSource {
  const source = sources[kind];
  if (!source) throw new NotApplicableError(`reading text from ${kind} files is not supported by this installation yet`);
  return source;
}
