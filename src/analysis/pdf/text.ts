/**
 * The PDF's text layer through pdf.js: per page, each run of text with where it sits on the
 * page (fractions of the visible page, origin top-left, rotation applied), for the text and
 * AI checks (spelling, required/forbidden phrases). Pages past `max_detail_pages` are not
 * read; `truncated` says so.
 *
 * Text that is drawn as outlines or images has no text layer: an empty page here means
 * "no extractable text", not "no words" (OCR is the text family's business).
 */
import type { Analysis } from '../../qc/types.js';
import { multiply, type Matrix } from './content.js';
import { pdfDocument, pdfProbe } from './probe.js';
import { pdfSettings } from './settings.js';

export interface PdfTextItem {
  text: string;
  /** Fractions of the page as displayed (0..1), origin top-left. */
  box: { x: number; y: number; w: number; h: number };
  font_size_pt: number;
  /** pdf.js's reading of a line break after this item. */
  end_of_line: boolean;
}

export interface PdfTextPage {
  /** 1-based. */
  page: number;
  width_pt: number;
  height_pt: number;
  items: PdfTextItem[];
  /** The page's items joined: spaces between items, newlines at line ends. */
  text: string;
  /** Why this page's text was not read (its content is too large to decode safely). */
  skipped?: string;
}

export interface PdfTextLayer {
  page_count: number;
  pages: PdfTextPage[];
  /** Why fewer pages than `page_count` were read, in words. */
  truncated?: string;
}

export const pdfText: Analysis<PdfTextLayer> = {
  id: 'pdf.text',
  async compute(ctx) {
    const { details } = await ctx.get(pdfProbe); // unreadable files fail here with the probe's message
    const doc = await ctx.get(pdfDocument);
    const oversized = new Set(details.oversized_pages);
    const { max_detail_pages } = pdfSettings(ctx.env);
    const count = Math.min(doc.numPages, max_detail_pages);
    const pages: PdfTextPage[] = [];
    for (let n = 1; n <= count; n++) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
      if (oversized.has(n)) {
        pages.push({ page: n, width_pt: 0, height_pt: 0, items: [], text: '', skipped: 'its content is too large to read safely' });
        continue;
      }
      const page = await doc.getPage(n);
      try {
        const viewport = page.getViewport({ scale: 1 });
        const content = await page.getTextContent();
        const items: PdfTextItem[] = [];
        let text = '';
        for (const item of content.items) {
          if (!('str' in item)) continue;
          // Text space → viewport (top-left origin, rotation applied).
          const [a, b, c, d, e, f] = multiply(item.transform as Matrix, viewport.transform as Matrix);
          const size = Math.hypot(c, d);
          const advance = item.width * Math.hypot(viewport.transform[0]!, viewport.transform[1]!);
          const horizontal = Math.abs(b) <= Math.abs(a);
          const x = horizontal ? e : e - size;
          const y = horizontal ? f - size : f;
          const w = horizontal ? advance : size;
          const h = horizontal ? size : advance;
          if (item.str.length > 0) {
            items.push({
              text: item.str,
              box: { x: frac(x / viewport.width), y: frac(y / viewport.height), w: frac(w / viewport.width), h: frac(h / viewport.height) },
              font_size_pt: Math.round(Math.hypot(item.transform[2] as number, item.transform[3] as number) * 100) / 100,
              end_of_line: item.hasEOL,
            });
          }
          text += item.str + (item.hasEOL ? '\n' : item.str.length > 0 ? ' ' : '');
        }
        pages.push({ page: n, width_pt: viewport.width, height_pt: viewport.height, items, text: text.replace(/ +\n/g, '\n').trim() });
      } finally {
        page.cleanup();
      }
    }
    return {
      page_count: doc.numPages,
      pages,
      ...(count < doc.numPages ? { truncated: `text read from the first ${count} of ${doc.numPages} pages` } : {}),
    };
  },
};


function frac(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
}
