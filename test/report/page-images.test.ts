// DESIGN §11, PDF: "the pages with findings, marked, with a legend". The engine renders the
// first pages with findings (page 1 is the thumbnail) and the HTML draws each over its picture
// with the findings boxed; pages without findings get no picture.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmyk, PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { reportSchema, type QcReport } from '../../src/report/schema.js';
import { runPdf } from '../checks/pdf/engine.js';

const MM = 72 / 25.4;
let dir: string;
let report: QcReport;

/** Five A4 pages; a 60 px RGB photo placed 70 mm wide (about 22 ppi) on pages 1, 2 and 5 only. */
async function photosOnPages(path: string, photoPages: number[]): Promise<string> {
  const doc = await PDFDocument.create();
  const photo = await doc.embedJpg(await sharp({ create: { width: 60, height: 40, channels: 3, background: { r: 30, g: 110, b: 190 } } }).jpeg().toBuffer());
  for (let i = 1; i <= 5; i++) {
    const page = doc.addPage([210 * MM, 297 * MM]);
    page.drawRectangle({ x: 20 * MM, y: 250 * MM, width: 100 * MM, height: 20 * MM, color: cmyk(0, 0.2, 0.9, 0) });
    if (photoPages.includes(i)) page.drawImage(photo, { x: 30 * MM, y: 120 * MM, width: 70 * MM, height: (70 * 40) / 60 * MM });
  }
  await writeFile(path, await doc.save({ useObjectStreams: false }));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiqc-page-images-'));
  const pdf = await photosOnPages(join(dir, 'flyer_5pp.pdf'), [1, 2, 5]);
  report = await runPdf(pdf, [{ id: 'pdf.image_resolution', params: { min_ppi: 300 } }, { id: 'pdf.colorspace', params: { allowed: ['cmyk', 'gray', 'spot'] } }]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The page tiles of the HTML, by their caption's page number. */
function tiles(html: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const m of html.matchAll(/<figure class="page-tile">([\s\S]*?)<\/figure>/g)) {
    const page = /<figcaption>Page (\d+)/.exec(m[1]!)?.[1];
    if (page) found.set(Number(page), m[1]!);
  }
  return found;
}

describe('PDF pages with findings, drawn and marked', () => {
  it('carries a picture of each page with findings: page 1 as the thumbnail, pages 2 and 5 as page images', async () => {
    expect(reportSchema.safeParse(report).success).toBe(true);
    const flagged = new Set(report.checks.filter((c) => c.status === 'fail').flatMap((c) => (c.evidence ?? []).map((e) => e.page)));
    expect([...flagged].sort()).toEqual([1, 2, 5]);
    expect(report.asset.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    expect(report.asset.page_images?.map((p) => p.page)).toEqual([2, 5]);
    for (const p of report.asset.page_images ?? []) {
      const meta = await sharp(Buffer.from(p.image.replace(/^data:image\/webp;base64,/, ''), 'base64')).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(400);
    }
  });

  it('draws three page tiles, each over its own picture with the findings boxed and numbered', () => {
    const html = renderHtml(report);
    const byPage = tiles(html);
    expect([...byPage.keys()]).toEqual([1, 2, 5]);
    const pictures = [report.asset.thumbnail!, ...report.asset.page_images!.map((p) => p.image)];
    [1, 2, 5].forEach((page, i) => {
      const tile = byPage.get(page)!;
      expect(tile).toContain(`<image href="${pictures[i]}"`);
      expect(tile.match(/<rect class="mark"/g)?.length).toBe(2); // one box per failing check
      expect(tile).toMatch(/<span class="badge"[^>]*>1<\/span><span class="badge"[^>]*>2<\/span>/);
    });
    expect(html).toMatch(/<ul class="legend"><li><span class="badge"[^>]*>1<\/span>[^<]*— page[s]? 1–2, 5/);
    expect(html).not.toContain('drawn as outlines');
  });

  it('falls back to an outline, and says so, for a page whose picture is missing', () => {
    const { page_images: _dropped, ...asset } = report.asset;
    const html = renderHtml({ ...report, asset });
    const byPage = tiles(html);
    expect(byPage.get(1)).toContain('<image href=');
    expect(byPage.get(2)).not.toContain('<image');
    expect(byPage.get(2)?.match(/<rect class="mark"/g)?.length).toBe(2);
    expect(html).toContain('Pages without a picture are drawn as outlines.');
  });

  it('renders no page that has no findings', async () => {
    const clean = await runPdf(await photosOnPages(join(dir, 'clean.pdf'), []), [{ id: 'pdf.image_resolution', params: { min_ppi: 300 } }]);
    expect(clean.asset.page_images).toBeUndefined();
    expect(tiles(renderHtml(clean)).size).toBe(0);
  });
});
