import { pdfBleed } from './bleed.js';
import { pdfColorspace } from './colorspace.js';
import { pdfEncrypted } from './encrypted.js';
import { pdfFontsEmbedded } from './fonts-embedded.js';
import { pdfImageResolution } from './image-resolution.js';
import { pdfPageCount } from './page-count.js';
import { pdfPageSize } from './page-size.js';

export const pdfChecks = [pdfPageCount, pdfPageSize, pdfBleed, pdfFontsEmbedded, pdfImageResolution, pdfColorspace, pdfEncrypted];
