/**
 * Small renders of the pages the report marks up (DESIGN §11: "the pages with findings,
 * marked"). The engine asks for them once the checks have run, with the page numbers as this
 * analysis's requests; pages come from the one pdf.js document the run already opened.
 */
import { loadSharp } from '../sharp.js';
import type { Analysis, AnalysisContext, KindHandler } from '../../qc/types.js';
import { renderPageJpeg } from './document.js';
import { pdfDocument, pdfProbe, pdfThumbnail } from './probe.js';
import { pdfSettings } from './settings.js';

/** Page number → a small WebP of it. Pages that cannot be drawn are simply absent. */
export const pdfPageImages: Analysis<ReadonlyMap<number, Buffer>, readonly number[]> = {
  id: 'pdf.page-images',
  async compute(ctx: AnalysisContext, requests) {
    const { details } = await ctx.get(pdfProbe);
    const settings = pdfSettings(ctx.env);
    const wanted = [...new Set(requests.flat())].filter(
      // Within the pages whose content was examined, and never one pdf.js would have to inflate
      // a huge stream for (the probe lists those): no picture beats an exhausted machine.
      (p) => Number.isInteger(p) && p >= 1 && p <= details.detail_pages && !details.oversized_pages.includes(p),
    );
    const images = new Map<number, Buffer>();
    if (wanted.length === 0) return images;
    const [doc, sharp] = await Promise.all([ctx.get(pdfDocument), loadSharp()]);
    for (const page of wanted.sort((a, b) => a - b)) {
      if (ctx.signal.aborted) break;
      const jpeg = await renderPageJpeg(doc, page, { maxSide: settings.page_image_px, maxPixels: ctx.env.maxPixels, signal: ctx.signal });
      // WebP at this size is about half the JPEG's bytes: the report carries several.
      images.set(page, await sharp(jpeg).webp({ quality: 60 }).toBuffer());
    }
    return images;
  },
};

export const pdfKind: KindHandler = { kind: 'pdf', probe: pdfProbe, thumbnail: pdfThumbnail, pageImages: pdfPageImages };
