/**
 * Every pdf.* check through the real engine on generated fixtures, pass and fail. The
 * expectations form the check × fixture table; the run writes it to bench/.out/ as markdown.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileSet } from '../../../src/config/profiles.js';
import { reportSchema, type QcReport } from '../../../src/report/schema.js';
import * as fx from '../../analysis/pdf/fixtures.js';
import { catalogue, checkOf, profileOf, runPdf, type CheckSpec } from './engine.js';

const PRINT: CheckSpec[] = [
  { id: 'pdf.page_count', params: { min: 1, max: 10 } },
  { id: 'pdf.page_size', params: { allowed: ['a4', 'letter'], tolerance_mm: 1 } },
  { id: 'pdf.bleed', params: { min_mm: 3 } },
  { id: 'pdf.fonts_embedded', params: { allow_type3: false } },
  { id: 'pdf.image_resolution', params: { min_ppi: 300 } },
  { id: 'pdf.colorspace', params: { allowed: ['cmyk', 'gray', 'spot'] } },
  { id: 'pdf.encrypted', params: { allowed: false } },
];
const COLUMNS = ['file.readable', ...PRINT.map((c) => c.id)];

type Status = QcReport['checks'][number]['status'];
const P: Status = 'pass';
const F: Status = 'fail';
const S: Status = 'skipped';

/** fixture → expected status per column (file.readable first, then PRINT's order). */
const EXPECTED: Record<string, { make: (dir: string) => Promise<string>; statuses: Status[] }> = {
  print_ok: { make: (d) => fx.imagesPdf(d, 'print_ok.pdf', [{ kind: 'cmyk', px: [1200, 1200], mm: [100, 100], at: [20, 20] }]), statuses: [P, P, P, P, P, P, P, P] },
  spot_colour: { make: (d) => fx.colourPdf(d, 'spot.pdf', 'spot'), statuses: [P, P, P, P, P, P, P, P] },
  embedded_fonts: { make: (d) => fx.fontsPdf(d, 'embedded_fonts.pdf', { type3: false }), statuses: [P, P, P, P, P, P, P, P] },
  type3_font: { make: (d) => fx.fontsPdf(d, 'type3_font.pdf', { type3: true }), statuses: [P, P, P, P, F, P, P, P] },
  unembedded_font: { make: (d) => fx.unembeddedFontPdf(d, 'unembedded_font.pdf'), statuses: [P, P, P, P, F, P, P, P] },
  letter_no_boxes_3p: { make: (d) => fx.plainPdf(d, 'letter_3p.pdf', fx.LETTER, 3), statuses: [P, P, P, F, P, P, P, P] },
  odd_size_100x150: { make: (d) => fx.trimmedPdf(d, 'odd_size.pdf', [100 * fx.MM, 150 * fx.MM], 3), statuses: [P, P, F, P, P, P, P, P] },
  no_bleed_box: { make: (d) => fx.trimmedPdf(d, 'no_bleed_box.pdf', fx.A4, 3, { bleedBox: false }), statuses: [P, P, P, F, P, P, P, P] },
  bleed_1mm: { make: (d) => fx.trimmedPdf(d, 'bleed_1mm.pdf', fx.A4, 1), statuses: [P, P, P, F, P, P, P, P] },
  rgb_150ppi_image: { make: (d) => fx.imagesPdf(d, 'rgb_150ppi.pdf', [{ kind: 'rgb', px: [600, 400], mm: [100, 66.67], at: [10, 10] }]), statuses: [P, P, P, P, P, F, F, P] },
  gray_image_300ppi: { make: (d) => fx.imagesPdf(d, 'gray_300ppi.pdf', [{ kind: 'gray', px: [600, 600], mm: [50.8, 50.8], at: [10, 10] }]), statuses: [P, P, P, P, P, P, P, P] },
  image_in_rotated_form: { make: (d) => fx.nestedFormPdf(d, 'nested.pdf'), statuses: [P, P, P, P, P, P, P, P] },
  lab_fill: { make: (d) => fx.colourPdf(d, 'lab.pdf', 'lab'), statuses: [P, P, P, P, P, P, F, P] },
  rgb_fill: { make: (d) => fx.colourPdf(d, 'rgb_fill.pdf', 'rgb_fill'), statuses: [P, P, P, P, P, P, F, P] },
  devicen_spot: { make: (d) => fx.colourPdf(d, 'devicen.pdf', 'devicen'), statuses: [P, P, P, P, P, P, P, P] },
  encrypted_no_print: { make: (d) => fx.encryptedPdf(d, 'encrypted.pdf', { allowPrint: false }), statuses: [P, P, P, P, P, P, P, F] },
  // Empty user password (AES-256, object streams): decrypted, so its 76 ppi image fails.
  aes256_rgb_76ppi: { make: async (d) => fx.qpdfEncrypted(await fx.imagesPdf(d, 'to-encrypt.pdf', [{ kind: 'rgb', px: [300, 200], mm: [100, 66.67], at: [10, 10] }]), d, 'aes256.pdf', 'aes-256-r6'), statuses: [P, P, P, P, P, F, F, F] },
  open_password: { make: (d) => fx.encryptedPdf(d, 'open_password.pdf', { userPassword: 'secret', allowPrint: true }), statuses: [F, S, S, S, S, S, S, S] },
  truncated: { make: async (d) => fx.truncatedCopy(await fx.imagesPdf(d, 'whole.pdf', [{ kind: 'cmyk', px: [800, 800], mm: [50, 50], at: [0, 0] }]), d, 'truncated.pdf'), statuses: [F, S, S, S, S, S, S, S] },
  garbage_after_header: { make: (d) => fx.garbagePdf(d, 'garbage.pdf'), statuses: [F, S, S, S, S, S, S, S] },
  not_a_pdf: { make: (d) => fx.notAPdf(d, 'not_a_pdf.pdf'), statuses: [F, S, S, S, S, S, S, S] },
  catalogue_2000_pages: { make: (d) => fx.manyPagesPdf(d, 'catalogue.pdf', 2000), statuses: [P, F, P, P, P, P, P, P] },
};

let dir: string;
const reports = new Map<string, QcReport>();

beforeAll(async () => {
  await fx.requireTool('gs', ['--version'], 'ghostscript');
  dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-checks-'));
});

afterAll(async () => {
  if (reports.size === Object.keys(EXPECTED).length) {
    const rows = Object.keys(EXPECTED).map((name) => `| ${name} | ${COLUMNS.map((id) => reports.get(name)!.checks.find((c) => c.id === id)?.status ?? '—').join(' | ')} | ${reports.get(name)!.verdict} |`);
    const table = [`| fixture | ${COLUMNS.join(' | ')} | verdict |`, `|${'---|'.repeat(COLUMNS.length + 2)}`, ...rows].join('\n');
    await mkdir('bench/.out', { recursive: true });
    await writeFile('bench/.out/pdf-preflight-table.md', `${table}\n`);
  }
  await rm(dir, { recursive: true, force: true });
});

describe('check × fixture', () => {
  it.each(Object.keys(EXPECTED))('%s', async (name) => {
    const { make, statuses } = EXPECTED[name]!;
    const report = await runPdf(await make(dir), PRINT);
    reportSchema.parse(report);
    reports.set(name, report);
    const got = COLUMNS.map((id) => report.checks.find((c) => c.id === id)?.status);
    expect(Object.fromEntries(COLUMNS.map((id, i) => [id, got[i]]))).toEqual(Object.fromEntries(COLUMNS.map((id, i) => [id, statuses[i]])));
    if (statuses[0] === F) expect(report.verdict).toBe('error');
  });
});

describe('findings name the object and where it is', () => {
  it('low-resolution image: pixel size, placed size, ppi and box', async () => {
    const path = await fx.imagesPdf(dir, 'lowres.pdf', [{ kind: 'rgb', px: [600, 400], mm: [100, 66.67], at: [10, 10] }]);
    const check = checkOf(await runPdf(path, [{ id: 'pdf.image_resolution', params: { min_ppi: 300 } }]), 'pdf.image_resolution');
    expect(check.message).toMatch(/600×400 px at 152 ppi on page 1/);
    expect(check.evidence).toEqual([
      expect.objectContaining({ page: 1, box: expect.objectContaining({ x: expect.any(Number), w: expect.any(Number) }), detail: expect.objectContaining({ width_px: 600, height_px: 400, ppi_x: 152, placed_mm: { w: 100, h: 66.7 } }) }),
    ]);
    expect(check.measured).toMatchObject({ lowest_ppi: 152, below_minimum: 1 });
  });

  it('unembedded font: font name, type and page', async () => {
    const check = checkOf(await runPdf(await fx.unembeddedFontPdf(dir, 'helv.pdf'), [{ id: 'pdf.fonts_embedded' }]), 'pdf.fonts_embedded');
    expect(check.message).toMatch(/not embedded: Helvetica \(page 1\)/);
    expect(check.evidence).toEqual([{ page: 1, label: 'Helvetica (Type1) not embedded', detail: expect.objectContaining({ font: 'Helvetica', type: 'Type1', embedded: false }) }]);
  });

  it('missing BleedBox: says the page has the bleed and how to export it', async () => {
    const check = checkOf(await runPdf(await fx.trimmedPdf(dir, 'nbb.pdf', fx.A4, 3, { bleedBox: false }), [{ id: 'pdf.bleed', params: { min_mm: 3 } }]), 'pdf.bleed');
    expect(check.message).toMatch(/no BleedBox on page 1 \(0 mm bleed\) although the page extends 3 mm past the trim/);
    expect(check.evidence).toEqual([expect.objectContaining({ page: 1, label: 'no BleedBox: 0 mm bleed' })]);
  });

  it('narrow bleed: measured per side', async () => {
    const check = checkOf(await runPdf(await fx.trimmedPdf(dir, 'b1.pdf', fx.A4, 1, { pages: 2 }), [{ id: 'pdf.bleed', params: { min_mm: 3 } }]), 'pdf.bleed');
    expect(check.message).toMatch(/bleed of 1 mm on pages 1–2/);
    expect(check.evidence).toHaveLength(2);
    expect(check.evidence![0]!.detail).toEqual({ left_mm: 1, right_mm: 1, top_mm: 1, bottom_mm: 1, has_bleed_box: true });
  });

  it('RGB image in a CMYK job: the image is located', async () => {
    const path = await fx.imagesPdf(dir, 'rgbimg.pdf', [{ kind: 'rgb', px: [1500, 1500], mm: [100, 100], at: [50, 50] }]);
    const check = checkOf(await runPdf(path, [{ id: 'pdf.colorspace', params: { allowed: ['cmyk'] } }]), 'pdf.colorspace');
    expect(check.status).toBe('fail');
    expect(check.evidence).toEqual([expect.objectContaining({ page: 1, label: 'DeviceRGB image 1500×1500 px (100×100 mm)', box: expect.any(Object) })]);
  });

  it('page size: names the size, the box it came from, and the pages', async () => {
    const check = checkOf(await runPdf(await fx.trimmedPdf(dir, 'odd.pdf', [100 * fx.MM, 150 * fx.MM], 3, { pages: 3 }), [{ id: 'pdf.page_size', params: { allowed: ['210x297mm'] } }]), 'pdf.page_size');
    expect(check.message).toMatch(/^100x150mm \(TrimBox\) on pages 1–3 — allowed: 210x297mm/);
    expect(check.evidence).toHaveLength(3);
  });
});

describe('params', () => {
  const parse = (id: string, params: unknown) => catalogue.get(id)!.params.safeParse(params);

  it('page sizes: names, units, either orientation, tolerance', async () => {
    const letterLandscape = await fx.plainPdf(dir, 'landscape.pdf', [792, 612]);
    const run = (params: Record<string, unknown>) => runPdf(letterLandscape, [{ id: 'pdf.page_size', params }]).then((r) => checkOf(r, 'pdf.page_size').status);
    expect(await run({ allowed: ['8.5x11in'] })).toBe('pass');
    expect(await run({ allowed: ['letter'], allow_rotated: false })).toBe('fail');
    expect(await run({ allowed: ['216x279mm'], tolerance_mm: 0.5 })).toBe('pass');
    expect(await run({ allowed: ['217x279mm'], tolerance_mm: 0.5 })).toBe('fail');
    // A portrait MediaBox shown landscape through /Rotate 90 is a landscape page.
    const turned = await fx.plainPdf(dir, 'rotated.pdf', fx.LETTER, 1, { rotate: 90 });
    const strict = await runPdf(turned, [{ id: 'pdf.page_size', params: { allowed: ['11x8.5in'], allow_rotated: false } }]);
    expect(checkOf(strict, 'pdf.page_size').status).toBe('pass');
    expect(parse('pdf.page_size', { allowed: ['A4 please'] }).error?.issues[0]?.message).toMatch(/not a page size: write e.g. "210x297mm"/);
  });

  it('colour space tokens and aliases', () => {
    expect(parse('pdf.colorspace', { allowed: ['CMYK', 'grey', 'separation', 'icc'] }).data).toEqual({ allowed: ['cmyk', 'gray', 'spot', 'icc_rgb', 'icc_cmyk', 'icc_gray'] });
    expect(parse('pdf.colorspace', { allowed: ['pantone'] }).error?.issues[0]?.message).toMatch(/not a colour space aiqc knows/);
  });

  it('page count needs a bound', () => {
    expect(parse('pdf.page_count', {}).success).toBe(false);
    expect(parse('pdf.page_count', { min: 4, max: 2 }).success).toBe(false);
  });

  it('encrypted PDFs may be allowed when printing is permitted', async () => {
    const printable = await fx.encryptedPdf(dir, 'enc-print.pdf', { allowPrint: true });
    const noPrint = await fx.encryptedPdf(dir, 'enc-noprint.pdf', { allowPrint: false });
    const status = (path: string) => runPdf(path, [{ id: 'pdf.encrypted', params: { allowed: true } }]).then((r) => checkOf(r, 'pdf.encrypted'));
    expect((await status(printable)).status).toBe('pass');
    const denied = await status(noPrint);
    expect(denied.status).toBe('fail');
    expect(denied.message).toMatch(/printing is not permitted/);
  });
});

describe('built-in profiles', () => {
  it('print_pdf_general and digital_pdf load and judge a print file', async () => {
    const profiles = await ProfileSet.load({ catalogue });
    expect(profiles.generalFor('pdf').id).toBe('print_pdf_general');
    const path = await fx.imagesPdf(dir, 'profile.pdf', [{ kind: 'cmyk', px: [1200, 1200], mm: [100, 100], at: [20, 20] }]);
    const print = await runPdf(path, profiles.get('print_pdf_general'));
    expect(print.verdict).toBe('pass');
    expect(print.asset.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    const digital = await runPdf(path, profiles.get('digital_pdf'));
    expect(checkOf(digital, 'pdf.colorspace').status).toBe('warn');
    expect(digital.verdict).toBe('warn');
  });

  it('a child profile replaces pdf.page_size params wholesale', () => {
    const profile = profileOf([{ id: 'pdf.page_size', params: { allowed: ['85x55mm'], tolerance_mm: 0.5 } }]);
    expect(profile.checks[0]!.params).toMatchObject({ allowed: [{ label: '85x55mm', width_mm: 85, height_mm: 55 }], tolerance_mm: 0.5, allow_rotated: true });
  });
});
