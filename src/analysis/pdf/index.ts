/**
 * The PDF family, as other modules see it:
 *  - `pdfKind`: the kind handler (probe, page-1 thumbnail, renders of the pages with findings),
 *    registered in src/analysis/index.ts;
 *  - `pdfProbe`: every preflight fact the pdf.* checks read (`details: PdfDetails`);
 *  - `pdfText`: the text layer (per page, items with positions in page fractions) for the
 *    text/AI checks.
 */
export { pdfKind, pdfPageImages } from './pages.js';
export { pdfDocument, pdfProbe, pdfSource, pdfThumbnail, sizeMm, type PdfDetails } from './probe.js';
export { pdfText, type PdfTextItem, type PdfTextLayer, type PdfTextPage } from './text.js';
export type { ColorUse } from './content.js';
export type { PdfColorSpaceUse, PdfEncryption, PdfFont, PdfImage, PdfOutputIntent, PdfPageBoxes, PdfRect, PdfStructure } from './types.js';
export { RECORD_STROKES_BELOW_PT } from './graphics.js';
export type { GraphicsFindings, OverprintUse, StrokeUse, TransparencyUse } from './types.js';
export { boxOnPage } from './boxes.js';
export { pdfInk, type InkCoverage, type InkPage } from './ink.js';
