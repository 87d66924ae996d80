import { pdfBleed } from './bleed.js';
import { pdfColorspace } from './colorspace.js';
import { pdfEncrypted } from './encrypted.js';
import { pdfFontsEmbedded } from './fonts-embedded.js';
import { pdfHairlines } from './hairlines.js';
import { pdfImageResolution } from './image-resolution.js';
import { pdfInkCoverage } from './ink-coverage.js';
import { pdfOverprint } from './overprint.js';
import { pdfPageCount } from './page-count.js';
import { pdfPageSize } from './page-size.js';
import { pdfPdfx } from './pdfx.js';

export const pdfChecks = [pdfPageCount, pdfPageSize, pdfBleed, pdfFontsEmbedded, pdfImageResolution, pdfColorspace, pdfEncrypted, pdfInkCoverage, pdfHairlines, pdfOverprint, pdfPdfx];
