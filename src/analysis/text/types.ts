/**
 * Text found in an asset, whatever it came from (OCR of pixels, a PDF's text layer, video
 * keyframes). Checks read only this shape, so a new source plugs in without touching them.
 */

/** A box in fractions (0..1) of the page or frame it sits on, as the report draws it. */
export interface FractionBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TextWord {
  text: string;
  /** 0..100 from OCR; undefined for a text layer, which is exact by construction. */
  confidence?: number;
  box: FractionBox;
  /** Index of the line within its page, so phrases can be shown as lines. */
  line: number;
}

export type TextOrigin = 'ocr' | 'text-layer';

export interface TextPage {
  /** 1-based page number for PDFs; undefined for a single image. */
  page?: number;
  /** Seconds into a video for a keyframe. */
  time_s?: number;
  origin: TextOrigin;
  words: TextWord[];
}

export interface TextContent {
  pages: TextPage[];
  /** Language codes the text was read with (profile codes, e.g. `en`, `en-GB`). */
  languages: string[];
  /** How the text was obtained, for `measured` (e.g. `ocr: tesseract.js 7 (eng)`). */
  engine: string;
  duration_ms: number;
}

/** What a text check asks of the text analysis: the languages its profile names. */
export interface TextRequest {
  languages: readonly string[];
}

/** All words of all pages in reading order, each with where it sits. */
export function allWords(content: TextContent): Array<TextWord & { page?: number; time_s?: number }> {
  return content.pages.flatMap((p) => p.words.map((w) => ({ ...w, ...(p.page !== undefined ? { page: p.page } : {}), ...(p.time_s !== undefined ? { time_s: p.time_s } : {}) })));
}
