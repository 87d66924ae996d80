/**
 * The PDF probe on generated fixtures, cross-checked against poppler (pdffonts, pdfimages
 * -list, pdfinfo -box) on the same files: an independent PDF implementation must see the same
 * fonts, images, effective resolutions and boxes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfProbe, pdfText, pdfThumbnail, type PdfDetails } from '../../../src/analysis/pdf/index.js';
import { AssetUnreadableError } from '../../../src/qc/errors.js';
import * as fx from './fixtures.js';
import { pdffonts, pdfimagesList, pdfinfo, pdfinfoBoxes } from './poppler.js';
import { withAnalyses } from './probe-helper.js';

let dir: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  await fx.requireTool('gs', ['--version'], 'ghostscript');
  await fx.requireTool('pdffonts', ['-v'], 'poppler-utils');
  await fx.requireTool(process.env.CHROMIUM_PATH ?? 'chromium', ['--version'], 'chromium');
  dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-probe-'));
  files.images = await fx.imagesPdf(dir, 'images.pdf', [
    { kind: 'rgb', px: [600, 400], mm: [100, 66.67], at: [10, 10] },
    { kind: 'cmyk', px: [900, 900], mm: [50.8, 50.8], at: [120, 120] },
    { kind: 'gray', px: [300, 600], mm: [25.4, 76.2], at: [20, 200] },
  ]);
  files.nested = await fx.nestedFormPdf(dir, 'nested.pdf');
  files.inline = await fx.inlineImagePdf(dir, 'inline.pdf');
  files.fonts = await fx.fontsPdf(dir, 'fonts.pdf', { type3: true });
  files.helvetica = await fx.unembeddedFontPdf(dir, 'helvetica.pdf');
  files.spot = await fx.colourPdf(dir, 'spot.pdf', 'spot');
  files.lab = await fx.colourPdf(dir, 'lab.pdf', 'lab');
  files.devicen = await fx.colourPdf(dir, 'devicen.pdf', 'devicen');
  files.noBleedBox = await fx.trimmedPdf(dir, 'no-bleed-box.pdf', fx.A4, 3, { bleedBox: false });
  files.letter = await fx.plainPdf(dir, 'letter.pdf', fx.LETTER, 3);
  files.encOwner = await fx.encryptedPdf(dir, 'enc-owner.pdf', { allowPrint: false });
  files.text = await fx.textPdf(dir, 'text.pdf');
  files.chromium = await fx.chromiumPdf(dir, 'chromium.pdf');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const probe = (path: string, ext: Record<string, unknown> = {}) => withAnalyses(path, (get) => get(pdfProbe), ext);

const POPPLER_COLOR: Record<string, string> = { DeviceRGB: 'rgb', DeviceCMYK: 'cmyk', DeviceGray: 'gray', ICCBased: 'icc', Indexed: 'index', Separation: 'sep', DeviceN: 'devn', Lab: 'lab' };

describe('cross-checked against poppler', () => {
  it.each(['images', 'nested', 'inline', 'fonts', 'helvetica', 'spot', 'encOwner', 'chromium'])('fonts of %s match pdffonts', async (key) => {
    const path = files[key]!;
    const { details } = await probe(path);
    const ours = details.fonts.map((f) => ({ name: f.name, emb: f.embedded, sub: f.subset, object: f.key })).sort((a, b) => a.object.localeCompare(b.object));
    const theirs = (await pdffonts(path)).map((f) => ({ name: f.name, emb: f.emb, sub: f.sub, object: f.object })).sort((a, b) => a.object.localeCompare(b.object));
    expect(ours).toEqual(theirs);
  });

  it('finds the unembedded and Type 3 fonts poppler reports', async () => {
    const fonts = (await probe(files.fonts!)).details.fonts;
    expect(fonts.find((f) => f.type === 'Type3')).toMatchObject({ embedded: true, subset: false });
    expect(fonts.find((f) => f.name.endsWith('+NimbusSans-Regular'))).toMatchObject({ type: 'Type1', embedded: true, subset: true });
    expect((await probe(files.helvetica!)).details.fonts).toEqual([expect.objectContaining({ name: 'Helvetica', type: 'Type1', embedded: false, subset: false })]);
  });

  it.each(['images', 'nested', 'inline', 'chromium'])('images of %s match pdfimages -list (size, colour, effective ppi)', async (key) => {
    const path = files[key]!;
    const { details } = await probe(path);
    const ours = details.images
      .filter((i) => !i.mask)
      .map((i) => ({ page: i.page, width: i.width, height: i.height, color: POPPLER_COLOR[i.color?.family ?? ''] ?? '?', object: i.object, x_ppi: Math.round(i.ppi_x), y_ppi: Math.round(i.ppi_y) }));
    const theirs = (await pdfimagesList(path))
      .filter((i) => i.type === 'image')
      .map((i) => ({ page: i.page, width: i.width, height: i.height, color: i.color, object: i.object, x_ppi: i.x_ppi, y_ppi: i.y_ppi }));
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });

  it('places images where they were drawn (page fractions, origin top-left)', async () => {
    const [rgbImage] = (await probe(files.images!)).details.images;
    const pageW = 210 + 6;
    const pageH = 297 + 6;
    // Drawn at (3+10, 3+10) mm from the bottom-left of the 216×303 mm crop box, 100×66.67 mm.
    expect(rgbImage!.box!.x).toBeCloseTo(13 / pageW, 3);
    expect(rgbImage!.box!.w).toBeCloseTo(100 / pageW, 3);
    expect(rgbImage!.box!.y).toBeCloseTo((pageH - 13 - 66.67) / pageH, 3);
    expect(rgbImage!.ppi).toBeCloseTo(152.4, 0);
  });

  it('clips an image that runs off the page to its visible part', async () => {
    // 100 mm wide, its left edge 50 mm beyond the 216 mm crop box's left edge.
    const path = await fx.imagesPdf(dir, 'off-page.pdf', [{ kind: 'cmyk', px: [1200, 600], mm: [100, 50], at: [-53, 10] }]);
    const [image] = (await probe(path)).details.images;
    expect(image!.box!.x).toBe(0);
    expect(image!.box!.w).toBeCloseTo(50 / 216, 3);
    expect(image!.ppi).toBeCloseTo(304.8, 0);
  });

  it.each(['images', 'fonts', 'noBleedBox', 'letter', 'encOwner', 'chromium'])('boxes of %s match pdfinfo -box', async (key) => {
    const path = files[key]!;
    const { details } = await probe(path);
    const theirs = await pdfinfoBoxes(path, details.page_count);
    expect(theirs).toHaveLength(details.page_count);
    details.pages.forEach((p, i) => {
      const t = theirs[i]!;
      const close = (ours: { x0: number; y0: number; x1: number; y1: number }, box: [number, number, number, number]) =>
        [ours.x0, ours.y0, ours.x1, ours.y1].forEach((v, k) => expect(v).toBeCloseTo(box[k]!, 1));
      close(p.media, t.MediaBox);
      close(p.crop, t.CropBox);
      // poppler reports the CropBox for an absent Trim/BleedBox; we record absence, and fall back the same way.
      close(p.trim ?? p.crop, t.TrimBox);
      close(p.bleed ?? p.crop, t.BleedBox);
    });
  });

  it('agrees with pdfinfo on page count, version and encryption', async () => {
    for (const key of ['images', 'letter', 'encOwner'] as const) {
      const { details } = await probe(files[key]!);
      const info = await pdfinfo(files[key]!);
      expect(details.page_count).toBe(Number(info['Pages']));
      expect(details.version).toBe(info['PDF version']);
      expect(details.encryption !== undefined).toBe(info['Encrypted']!.startsWith('yes'));
    }
  });
});

describe('colour spaces', () => {
  const labels = (d: PdfDetails) => d.colors.map((c) => `${c.label}:${c.model}`).sort();
  it('classifies device, spot, DeviceN and Lab spaces', async () => {
    expect(labels((await probe(files.images!)).details)).toEqual(['DeviceCMYK:cmyk', 'DeviceGray:gray', 'DeviceRGB:rgb']);
    expect(labels((await probe(files.spot!)).details)).toEqual(['DeviceCMYK:cmyk', 'Separation PANTONE 185 C:spot']);
    expect(labels((await probe(files.lab!)).details)).toEqual(['DeviceCMYK:cmyk', 'Lab:lab']);
    expect(labels((await probe(files.devicen!)).details)).toEqual(['DeviceCMYK:cmyk', 'DeviceN Cyan+Gold Foil:spot']);
  });

  it('notes where an image colour came from', async () => {
    const rgbUse = (await probe(files.images!)).details.colors.find((c) => c.family === 'DeviceRGB');
    expect(rgbUse).toMatchObject({ pages: [1], uses: ['image'] });
  });
});

describe('encryption and versions', () => {
  it('reads the OutputIntent and the PDF/X claim', async () => {
    const { details, info } = await probe(await fx.outputIntentPdf(dir, 'pdfx.pdf'));
    expect(details.output_intents).toEqual([{ subtype: 'GTS_PDFX', condition_identifier: 'FOGRA39', registry: 'http://www.color.org', profile_components: 4 }]);
    expect(details.pdfx).toBe('PDF/X-1:2001');
    expect(info).toMatchObject({ output_intent: 'FOGRA39', pdfx: 'PDF/X-1:2001' });
  });

  it('reads the permissions of an owner-password PDF and, decrypted with the empty user password, its content', async () => {
    const { details } = await probe(files.encOwner!);
    expect(details.encryption).toMatchObject({ filter: 'Standard', revision: 3, key_bits: 128, permissions: { print: false, modify: false } });
    expect(details.content_read).toBe(true);
    expect(details.notes.join(' ')).not.toMatch(/encrypted/);
  });
});

describe('printable annotations', () => {
  it('reads the appearance streams of printed annotations (images, colour), not hidden ones', async () => {
    const path = await fx.annotatedPdf(dir, 'annotated.pdf');
    const { details } = await probe(path);
    // The stamp's 100x50 px image fills its 200x100 pt Rect (BBox 100x50 fitted to it): 36 ppi.
    expect(details.images.map((i) => ({ w: i.width, h: i.height, ppi: i.ppi, placed: [i.placed_w_pt, i.placed_h_pt] }))).toEqual([{ w: 100, h: 50, ppi: 36, placed: [200, 100] }]);
    const labels = details.colors.map((c) => c.label);
    expect(labels.sort()).toEqual(['DeviceCMYK', 'DeviceRGB']);
    expect(labels).not.toContain('DeviceGray');
  });
});

describe('text layer (pdfText) and thumbnail', () => {
  it('returns text items with positions in page fractions', async () => {
    const layer = await withAnalyses(files.text!, (get) => get(pdfText));
    expect(layer.page_count).toBe(2);
    expect(layer.pages.map((p) => p.text)).toEqual(['Hello preflight\nSecond line', 'Page two']);
    const hello = layer.pages[0]!.items.find((i) => i.text.startsWith('Hello'))!;
    const pageH = 297 + 6;
    // Baseline at y = 700 pt from the bottom; the box's top is one font size (24 pt) above it.
    expect(hello.box.x).toBeCloseTo(72 / (216 * fx.MM), 3);
    expect(hello.box.y).toBeCloseTo((pageH * fx.MM - 700 - 24) / (pageH * fx.MM), 3);
    expect(hello.font_size_pt).toBe(24);
  });

  it('renders page 1 as a JPEG within the thumbnail size', async () => {
    const jpeg = await withAnalyses(files.images!, (get) => get(pdfThumbnail));
    const meta = await sharp(jpeg!).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBe(480);
    // Something was drawn: the cream background and the placed images differ.
    const stats = await sharp(jpeg!).stats();
    expect(stats.channels[0]!.stdev).toBeGreaterThan(10);
  });
});

describe('bad PDFs give a clear reason', () => {
  it('refuses a password-protected PDF', async () => {
    const path = await fx.encryptedPdf(dir, 'enc-user.pdf', { userPassword: 'open-me', allowPrint: true });
    await expect(probe(path)).rejects.toThrow(AssetUnreadableError);
    await expect(probe(path)).rejects.toThrow(/password-protected.*without an open password/);
  });

  it('refuses a truncated PDF', async () => {
    const path = await fx.truncatedCopy(files.images!, dir, 'truncated.pdf');
    await expect(probe(path)).rejects.toThrow(/incomplete.*upload the complete file again/);
  });

  it('refuses a PDF header followed by garbage', async () => {
    const path = await fx.garbagePdf(dir, 'garbage.pdf');
    await expect(probe(path)).rejects.toThrow(/damaged and cannot be opened/);
  });

  it('refuses a file over the size limit without reading it', async () => {
    await expect(probe(files.images!, { pdf: { max_file_mb: 0.001 } })).rejects.toThrow(/over the 0.001 MB limit/);
  });

  it('names the bad setting', async () => {
    await expect(probe(files.images!, { pdf: { max_detail_pages: -1 } })).rejects.toThrow(/pdf\.max_detail_pages/);
  });
});

describe('a Flate bomb in a content stream', () => {
  it('stops inflating at the limit, says which page, and draws no thumbnail', async () => {
    const path = await fx.flateBombPdf(dir, 'bomb.pdf', 200);
    const { details } = await probe(path);
    expect(details.oversized_pages).toEqual([1]);
    expect(details.notes.join(' ')).toMatch(/page 1: its content decodes to more than 64 MB and was not examined/);
    expect(await withAnalyses(path, (get) => get(pdfThumbnail))).toBeUndefined();
    const text = await withAnalyses(path, (get) => get(pdfText));
    expect(text.pages[0]).toMatchObject({ items: [], skipped: expect.stringMatching(/too large/) });
  });

  it('reads a truncated Flate stream as far as it goes, as viewers do', async () => {
    // Pseudo-random widths keep the stream from compressing to nothing, so the cut lands mid-way.
    const body = Array.from({ length: 3000 }, (_, i) => `q 0 0 1 0 k ${(i * 7919) % 500} ${(i * 104729) % 700} 10 10 re f Q`).join('\n');
    const path = await fx.rawContentPdf(dir, 'cut-stream.pdf', `${body}\n1 0 0 rg 0 0 5 5 re f`, { keepFraction: 0.5 });
    const { details } = await probe(path);
    expect(details.colors.map((c) => c.label)).toEqual(['DeviceCMYK']);
    expect(details.oversized_pages).toEqual([]);
  });
});

describe('a 2000-page PDF', () => {
  it('reads every page box but walks only max_detail_pages pages, and says so', async () => {
    const path = await fx.manyPagesPdf(dir, 'catalogue.pdf', 2000);
    const started = performance.now();
    const { details, info } = await probe(path, { pdf: { max_detail_pages: 50 } });
    const elapsed = performance.now() - started;
    expect(details.page_count).toBe(2000);
    expect(details.pages).toHaveLength(2000);
    expect(details.pages[1999]!.trim).toBeDefined();
    expect(details.detail_pages).toBe(50);
    expect(details.notes.join(' ')).toMatch(/first 50 of 2000 pages/);
    expect(info['pages_examined']).toBe(50);
    const text = await withAnalyses(path, (get) => get(pdfText), { pdf: { max_detail_pages: 50 } });
    expect(text.pages).toHaveLength(50);
    expect(text.truncated).toMatch(/first 50 of 2000/);
    // Timing is recorded in bench/, never asserted; log it for the curious.
    console.log(`2000-page probe: ${Math.round(elapsed)} ms`);
  });
});
