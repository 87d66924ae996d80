/**
 * PDF limits, from `env.extensions.pdf` (snake_case, validated here; defaults when absent).
 * They bound time and memory on hostile or huge files: a 2000-page catalogue is still read
 * for its page boxes, but only its first pages' content is walked for fonts, images, colour
 * and text.
 */
import { z } from 'zod';
import { AiqcError } from '../../qc/errors.js';
import type { QcEnvironment } from '../../qc/types.js';

export const pdfSettingsSchema = z.strictObject({
  max_detail_pages: z.number().int().positive().default(100).meta({ description: 'Pages whose content (fonts, images, colour, text) is examined; boxes are read for all' }),
  max_file_mb: z.number().positive().default(500).meta({ description: 'Larger PDFs are refused unread (pdf-lib and pdf.js each hold the file in memory)' }),
  thumbnail_px: z.number().int().min(64).max(2000).default(480).meta({ description: 'Longer side of the page-1 thumbnail' }),
  page_image_px: z.number().int().min(64).max(2000).default(400).meta({ description: 'Longer side of each page with findings drawn in the report' }),
  ink_dpi: z.number().int().min(18).max(300).default(50).meta({ description: 'Resolution of the Ghostscript render pdf.ink_coverage measures (lowered for very large pages)' }),
  ghostscript_path: z.string().min(1).default('gs').meta({ description: 'The Ghostscript program (pdf.ink_coverage); `gs` on PATH by default' }),
});

export type PdfSettings = z.infer<typeof pdfSettingsSchema>;

declare module '../../qc/types.js' {
  interface FamilySettings {
    /** PDF limits (AIQC_PDF_* from the environment, or a caller's); absent keys take the defaults. */
    pdf?: z.input<typeof pdfSettingsSchema>;
  }
}

export class PdfSettingsError extends AiqcError {
  constructor(message: string) {
    super('pdf_settings_invalid', message);
  }
}

export function pdfSettings(env: QcEnvironment): PdfSettings {
  const parsed = pdfSettingsSchema.safeParse(env.extensions.pdf ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${['pdf', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    throw new PdfSettingsError(`PDF settings are invalid (${problems}): fix env.extensions.pdf (keys: max_detail_pages, max_file_mb, thumbnail_px, page_image_px, ink_dpi, ghostscript_path)`);
  }
  return parsed.data;
}
