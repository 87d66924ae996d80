/**
 * What the PDF structure read reports (`PdfStructure`, the probe's details) and its parts.
 * Type-only apart from the error class, so checks and the probe name them without loading
 * pdf-lib.
 */
import { AiqcError } from '../../qc/errors.js';
import type { ColorUse, ContentLimits, PlacedImage } from './content.js';

/** A rectangle in PDF points (1/72 in), normalised so x0 < x1 and y0 < y1. */
export interface PdfRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/* Line widths, overprint and transparency, as ./graphics.ts finds them in the content walk. */

/** Strokes of one width on one page (widths in pt after the CTM; 0 = the device's thinnest line). */
export interface StrokeUse {
  page: number;
  width_pt: number;
  count: number;
  /** Where, in default user space (pt): the union of the stroked paths' bounds. */
  bounds?: PdfRect;
}

/** White painted with overprint on, or 100 % black text (with or without overprint). */
export interface OverprintUse {
  page: number;
  kind: 'white_overprint' | 'black_text';
  paint: 'fill' | 'stroke' | 'text';
  /** The colour as written: "DeviceCMYK 0 0 0 0", "DeviceGray 1". */
  colour: string;
  overprint: boolean;
  opm: number;
  /** Text only: the size as printed (Tf × text matrix × CTM), rounded to 0.1 pt. */
  text_pt?: number;
  count: number;
  bounds?: PdfRect;
}

export interface TransparencyUse {
  page: number;
  /** In words: "fill opacity (ca 0.5)", "blend mode Multiply", "soft mask (SMask)"… */
  what: string;
  count: number;
}

export interface GraphicsFindings {
  strokes: StrokeUse[];
  overprint: OverprintUse[];
  transparency: TransparencyUse[];
}

export interface PdfPageBoxes {
  page: number;
  media: PdfRect;
  crop: PdfRect;
  /** Only when the file has one (bleed and trim default to the crop box otherwise). */
  bleed?: PdfRect;
  trim?: PdfRect;
  art?: PdfRect;
  rotate: number;
  user_unit: number;
}

export interface PdfFont {
  /** Object number + generation ("12 0"), as pdffonts prints it; a direct font gets `p<page>:<name>`. */
  key: string;
  name: string;
  /** The PDF subtype: Type1, TrueType, Type0, Type3, MMType1. */
  type: string;
  embedded: boolean;
  subset: boolean;
  pages: number[];
}

/** A placed image as reported: what the content walk saw, with its page and object. */
export interface PdfImage extends Pick<PlacedImage, 'inline' | 'mask' | 'width' | 'height' | 'bpc' | 'color'> {
  page: number;
  /** Object id of an image XObject ("9 0"), or `inline`. */
  object: string;
  placed_w_pt: number;
  placed_h_pt: number;
  ppi_x: number;
  ppi_y: number;
  /** Effective resolution: the lower of the two axes. */
  ppi: number;
  /** Bounding box on the page in fractions of the crop box, origin top-left; absent on rotated pages. */
  box?: { x: number; y: number; w: number; h: number };
}

export interface PdfColorSpaceUse extends ColorUse {
  label: string;
  pages: number[];
  /** Where it was met: `image`, `fill/stroke` (operators), `shading`, `resources` (declared only). */
  uses: string[];
}

export interface PdfOutputIntent {
  subtype: string;
  condition_identifier?: string;
  condition?: string;
  registry?: string;
  info?: string;
  profile_components?: number;
}

export interface PdfEncryption {
  filter: string;
  version?: number;
  revision?: number;
  key_bits?: number;
  /** The permission bits in words (ISO 32000-1 Table 22). */
  permissions: { print: boolean; modify: boolean; copy: boolean; annotate: boolean; print_high_quality: boolean };
}

export interface PdfStructure {
  version: string;
  page_count: number;
  pages: PdfPageBoxes[];
  /** Pages whose content streams were read (the first `detail_pages` of `page_count`). */
  detail_pages: number;
  fonts: PdfFont[];
  images: PdfImage[];
  colors: PdfColorSpaceUse[];
  output_intents: PdfOutputIntent[];
  /** The PDF/X version the file claims (Info GTS_PDFXVersion or the OutputIntent), if any. */
  pdfx?: string;
  encryption?: PdfEncryption;
  /** Pages whose content decodes past MAX_DECODED_STREAM_BYTES: not examined, not rendered. */
  oversized_pages: number[];
  /** True when content streams were read; false for an encrypted file that needs a password or a handler other than the standard one. */
  content_read: boolean;
  /** Line widths, overprint and transparency on the examined pages (./graphics.ts); empty when content was not read. */
  graphics: GraphicsFindings;
  /** What limited or could not be read, in words (shown in check messages). */
  notes: string[];
}

export interface StructureOptions {
  maxDetailPages: number;
  contentLimits?: ContentLimits;
  signal?: AbortSignal;
}

/** The objects do not hold together well enough to read the structure (message in words). */
/** The PDF's structure cannot be read (objects or page tree): the asset is unreadable. */
export class PdfStructureError extends AiqcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('pdf_structure', message, options);
  }
}
