/**
 * pdf.pdfx: the PDF/X basics on pdf-lib fixtures, with poppler as the reference (pdfinfo's
 * "PDF subtype" reads GTS_PDFXVersion; pdfinfo -box the TrimBox) and qpdf's JSON for which
 * boxes a page really has (pdfinfo prints a TrimBox even when the page has none).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../analysis/pdf/fixtures.js';
import { cmykBox, pdfinfoBoxes, rawPdf, type RawDoc } from './depth-fixtures.js';
import { checkOf, runPdf } from './engine.js';

const run = promisify(execFile);
let dir: string;
const files: Record<string, string> = {};
const TRIM: [number, number, number, number] = [8.5, 8.5, 586.78, 833.39];
const X1A = { outputIntent: { condition: 'FOGRA39' }, pdfxVersion: 'PDF/X-1a:2001' } satisfies Partial<RawDoc>;
const CMYK_ART = cmykBox(0, 0.5, 1, 0, [50, 50, 200, 200]);

beforeAll(async () => {
  await requireTool('pdfinfo', ['-v'], 'poppler-utils');
  await requireTool('qpdf', ['--version'], 'qpdf');
  dir = await mkdtemp(join(tmpdir(), 'aiqc-pdfx-'));
  files.x1a = await rawPdf(dir, 'x1a.pdf', { ...X1A, pages: [{ content: CMYK_ART, trim: TRIM }, { content: CMYK_ART, art: TRIM }] });
  files.bare = await rawPdf(dir, 'bare.pdf', { pages: [{ content: CMYK_ART }, { content: CMYK_ART, trim: TRIM }] });
  files.rgb = await rawPdf(dir, 'rgb.pdf', { ...X1A, pages: [{ content: `${CMYK_ART}1 0 0 rg 300 300 50 50 re f`, trim: TRIM }] });
  files.transparent = await rawPdf(dir, 'transparent.pdf', {
    ...X1A,
    pages: [
      { content: `${CMYK_ART}/T1 gs ${CMYK_ART}`, trim: TRIM, extGStates: { T1: { ca: 0.5, CA: 0.5 } } },
      { content: `/T2 gs ${CMYK_ART}`, trim: TRIM, extGStates: { T2: { BM: 'Multiply' } } },
      { content: CMYK_ART, trim: TRIM, transparencyGroup: true },
      // Opaque, Normal: not transparency.
      { content: `/T3 gs ${CMYK_ART}`, trim: TRIM, extGStates: { T3: { ca: 1, BM: 'Normal', SMask: 'None' } } },
    ],
  });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function qpdfPageKeys(path: string): Promise<string[][]> {
  const { stdout } = await run('qpdf', ['--json=1', '--json-key=pages', '--json-key=objects', path], { maxBuffer: 16 * 1024 * 1024 });
  const json = JSON.parse(stdout) as { pages: Array<{ object: string }>; objects: Record<string, Record<string, unknown>> };
  return json.pages.map((p) => Object.keys(json.objects[p.object] ?? {}));
}

const x1a = [{ id: 'pdf.pdfx', params: { standard: 'x1a' } }];

describe('pdf.pdfx', () => {
  it('passes a PDF/X-1a file: intent, version, TrimBox or ArtBox on each page — as poppler and qpdf read it', async () => {
    const c = checkOf(await runPdf(files.x1a!, x1a), 'pdf.pdfx');
    expect(c.status).toBe('pass');
    expect(c.measured).toMatchObject({ pdfx_version: 'PDF/X-1a:2001', output_intent: 'FOGRA39', pages_without_trim_or_art_box: 0 });
    const { stdout } = await run('pdfinfo', [files.x1a!]);
    expect(stdout).toMatch(/PDF subtype:\s+PDF\/X-1a:2001/);
    expect((await pdfinfoBoxes(files.x1a!)).TrimBox).toEqual(TRIM);
    const keys = await qpdfPageKeys(files.x1a!);
    expect(keys[0]).toContain('/TrimBox');
    expect(keys[1]).toContain('/ArtBox');
    expect(keys[1]).not.toContain('/TrimBox');
  });

  it('fails a file with no OutputIntent, no version and a page without trim, naming the page', async () => {
    const c = checkOf(await runPdf(files.bare!, [{ id: 'pdf.pdfx' }]), 'pdf.pdfx');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/^not PDF\/X: no OutputIntent.*no GTS_PDFXVersion.*no TrimBox or ArtBox on page 1 — /);
    expect(c.evidence!.filter((e) => e.page !== undefined)).toEqual([{ page: 1, label: 'no TrimBox or ArtBox' }]);
    const { stdout } = await run('pdfinfo', [files.bare!]);
    expect(stdout).not.toMatch(/PDF subtype/);
    expect((await qpdfPageKeys(files.bare!))[0]).not.toContain('/TrimBox');
  });

  it('fails RGB under PDF/X-1a but not under PDF/X-4', async () => {
    const c = checkOf(await runPdf(files.rgb!, x1a), 'pdf.pdfx');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/DeviceRGB on page 1 \(PDF\/X-1a allows CMYK, gray and spot colour only\)/);
    // The claim says X-1a, so a PDF/X-4 check fails on the claim only.
    const x4 = checkOf(await runPdf(files.rgb!, [{ id: 'pdf.pdfx', params: { standard: 'x4' } }]), 'pdf.pdfx');
    expect(x4.message).toMatch(/^not PDF\/X-4: it claims PDF\/X-1a:2001, not PDF\/X-4 —/);
  });

  it('fails transparency under PDF/X-1a — opacity, blend mode, page group — and not an opaque Normal state', async () => {
    const c = checkOf(await runPdf(files.transparent!, x1a), 'pdf.pdfx');
    expect(c.status).toBe('fail');
    expect(c.measured!.transparency_uses).toBe(4);
    expect(c.evidence!.map((e) => [e.page, e.label])).toEqual([
      [1, 'stroke opacity (CA 0.5)'],
      [1, 'fill opacity (ca 0.5)'],
      [2, 'blend mode Multiply'],
      [3, 'transparency group (page)'],
    ]);
    expect(c.message).toMatch(/transparency on pages 1–3/);
    const any = checkOf(await runPdf(files.transparent!, [{ id: 'pdf.pdfx' }]), 'pdf.pdfx');
    expect(any.status).toBe('pass');
  });
});
