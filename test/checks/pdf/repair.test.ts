/**
 * A PDF whose cross-reference table needs rebuilding (no xref, no %%EOF; poppler and qpdf open
 * it) is read, not called "cut short"; a file that ends inside its data still is. The real
 * file is mathiasbynens/small's pdf.pdf (CC0, test/fixtures/real-world/README.md).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCutShort } from '../../../src/analysis/pdf/probe.js';
import * as fx from '../../analysis/pdf/fixtures.js';
import { pdfinfo } from '../../analysis/pdf/poppler.js';
import { checkOf, runPdf } from './engine.js';

const run = promisify(execFile);
const real = (name: string) => fileURLToPath(new URL(`../../fixtures/real-world/${name}`, import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-repair-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cross-reference repair', () => {
  it('reads the smallest PDF (no xref, no %%EOF, header "%PDF-1.", no /Type) as pdfinfo and qpdf do', async () => {
    const path = real('small-pdf.pdf');
    const info = await pdfinfo(path);
    expect(Number(info['Pages'])).toBe(1);
    // qpdf repairs it (exit code 3: succeeded with warnings).
    const checked = await run('qpdf', ['--check', path]).catch((err: { code?: number; stderr?: string }) => err);
    expect((checked as { code?: number }).code ?? 0).toBe(3);
    const report = await runPdf(path, [{ id: 'pdf.page_count', params: { min: 1 } }]);
    expect(checkOf(report, 'file.readable').status).toBe('pass');
    expect(checkOf(report, 'pdf.page_count')).toMatchObject({ status: 'pass', measured: { pages: 1 } });
  });

  it('reads a file whose %%EOF marker is missing but whose data is whole', async () => {
    const whole = await fx.plainPdf(dir, 'whole.pdf', fx.A4, 2);
    const bytes = await readFile(whole);
    const path = join(dir, 'no-eof.pdf');
    await writeFile(path, Buffer.from(bytes.toString('latin1').replace(/%%EOF\s*$/, ''), 'latin1'));
    expect(Number((await pdfinfo(path))['Pages'])).toBe(2);
    const report = await runPdf(path, [{ id: 'pdf.page_count', params: { min: 1 } }]);
    expect(checkOf(report, 'file.readable').status).toBe('pass');
    expect(checkOf(report, 'pdf.page_count').measured).toMatchObject({ pages: 2 });
  });

  it('still calls a file cut short when it ends inside an object, a stream, or before its trailer', () => {
    const pdf = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
    const objects = '%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Length 10>> stream\n';
    expect(isCutShort(pdf(objects + '0123'))).toBe(true);
    expect(isCutShort(pdf('%PDF-1.7\n1 0 obj <</Type/Catalog/Pa'))).toBe(true);
    expect(isCutShort(pdf(objects + '0123456789\nendstream endobj\n'))).toBe(true);
    expect(isCutShort(pdf(objects + '0123456789\nendstream endobj\ntrailer <</Root 1 0 R>>\n'))).toBe(false);
    expect(isCutShort(pdf(objects + '0123456789\nendstream endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n' + 'x'.repeat(9000)))).toBe(false);
  });
});
