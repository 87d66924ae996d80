/**
 * The five reports issue 15 is judged on, each from a real QC run of a generated asset: a
 * passing image, a failing image, a 23-page print PDF with findings on every page, a video with
 * black, frozen and silent stretches, and an unreadable file (verdict `error`). Shared by the
 * layout test and `scripts/report-shots.ts` (the screenshots a person looks at).
 */
import { join } from 'node:path';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { writeFile } from 'node:fs/promises';
import type { QcRuntime } from '../../src/app/runtime.js';
import type { QcReport } from '../../src/report/schema.js';
import { fixture } from '../fixtures/av-fixtures.js';
import { makeImage, makeTruncatedJpeg } from '../helpers/images.js';
import { inlineProfile } from '../helpers/runtime.js';

export type FixtureReportName = 'pass-image' | 'fail-image' | 'pdf-23-pages' | 'video-segments' | 'error';

const MM = 72 / 25.4;

/**
 * 23 A4 pages as a layout program might export them for screen: no TrimBox/BleedBox, the
 * standard Helvetica referenced but not embedded, an RGB photo of 96 px placed 80 mm wide
 * (about 30 ppi) on every page.
 */
export async function catalogue23Pdf(dir: string, name = 'catalogue_23pp.pdf', pages = 23): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const photo = await doc.embedJpg(
    await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 30, g: 110, b: 190 } } }).jpeg({ quality: 80 }).toBuffer(),
  );
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([210 * MM, 297 * MM]);
    page.drawText(`Autumn catalogue — page ${i}`, { x: 20 * MM, y: 270 * MM, size: 22, font, color: rgb(0.1, 0.1, 0.1) });
    page.drawImage(photo, { x: 20 * MM, y: (150 + (i % 3) * 20) * MM, width: 80 * MM, height: (80 * 64) / 96 * MM });
  }
  const path = join(dir, name);
  await writeFile(path, await doc.save({ useObjectStreams: false }));
  return path;
}

/** A real QC run for each fixture, in a stable order. */
export async function buildFixtureReports(rt: QcRuntime, dir: string): Promise<Record<FixtureReportName, QcReport>> {
  const strictSegments = {
    ...inlineProfile(
      rt.catalogue,
      [
        { id: 'file.format', params: { allowed: ['mp4', 'mov'] } },
        { id: 'video.resolution', params: { min_width: 320, min_height: 240 } },
        { id: 'video.black_frames', params: { max_duration_s: 0.5, allow_at_start_s: 0, allow_at_end_s: 0 } },
        { id: 'video.freeze_frames', params: { max_duration_s: 1 } },
        { id: 'audio.loudness', params: { target_lufs: -23, tolerance_lu: 1 } },
        { id: 'audio.true_peak', params: { max_dbtp: -1 } },
        { id: 'audio.silence', severity: 'warning', params: { max_duration_s: 0.5, threshold_db: -60 } },
      ],
      'broadcast_spot',
    ),
    name: 'Broadcast spot (strict segments)',
  };
  return {
    'pass-image': await rt.run({ path: await makeImage(dir, 'summer_sale_1080.jpg', { icc: 'srgb' }), profile: rt.profiles.get('static_general') }),
    'fail-image': await rt.run({ path: await makeImage(dir, 'banner_cmyk_print.jpg', { colour: 'cmyk', width: 300, height: 100 }), profile: rt.profiles.get('meta_feed_image') }),
    'pdf-23-pages': await rt.run({ path: await catalogue23Pdf(dir), profile: rt.profiles.get('print_pdf_general') }),
    'video-segments': await rt.run({ path: await fixture('segments'), name: 'tv_spot_segments.mov', profile: strictSegments }),
    error: await rt.run({ path: await makeTruncatedJpeg(dir, 'hero_banner.jpg'), profile: rt.profiles.get('static_general') }),
  };
}
