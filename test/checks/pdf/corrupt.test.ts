/**
 * Damaged PDFs never crash the run or leak a programming error into a report: 40 copies of
 * real fixtures, each with bytes overwritten or a slice removed somewhere in the middle
 * (keeping %%EOF so the file gets past the cheap truncation check into the parsers).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../../src/report/schema.js';
import * as fx from '../../analysis/pdf/fixtures.js';
import { runPdf, type CheckSpec } from './engine.js';

const CHECKS: CheckSpec[] = [
  { id: 'pdf.page_count', params: { min: 1 } },
  { id: 'pdf.page_size', params: { allowed: ['a4'] } },
  { id: 'pdf.bleed', params: { min_mm: 3 } },
  { id: 'pdf.fonts_embedded' },
  { id: 'pdf.image_resolution', params: { min_ppi: 300 } },
  { id: 'pdf.colorspace', params: { allowed: ['cmyk'] } },
  { id: 'pdf.encrypted' },
];

/** Messages a person should never see: they mean our code, not the file, went wrong. */
const PROGRAMMING_ERROR = /Cannot read properties|is not a function|is not iterable|undefined \(reading|Maximum call stack/;

let dir: string;
let sources: Buffer[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-corrupt-'));
  sources = await Promise.all([
    fx.imagesPdf(dir, 'src-images.pdf', [{ kind: 'cmyk', px: [400, 400], mm: [50, 50], at: [10, 10] }]),
    fx.fontsPdf(dir, 'src-fonts.pdf', { type3: true }),
  ].map(async (p) => readFile(await p)));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Deterministic damage: case i picks a source, a place and a kind of damage. */
function damaged(i: number): Buffer {
  const src = sources[i % sources.length]!;
  const body = src.length - 64; // leave the trailer's %%EOF alone
  const at = 16 + Math.floor(((i * 2654435761) % 1000) / 1000 * (body - 32));
  if (i % 3 === 0) return Buffer.concat([src.subarray(0, at), src.subarray(at + 200)]);
  const copy = Buffer.from(src);
  for (let k = 0; k < 64; k++) copy[at + k] = (i * 31 + k * 17) & 0xff;
  return copy;
}

describe('corrupted PDFs', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i))('damage #%i gives a clean report', async (i) => {
    const path = join(dir, `damaged-${i}.pdf`);
    await writeFile(path, damaged(i));
    const report = await runPdf(path, CHECKS);
    reportSchema.parse(report);
    expect(['pass', 'warn', 'fail', 'error']).toContain(report.verdict);
    for (const c of report.checks) expect(c.message).not.toMatch(PROGRAMMING_ERROR);
    expect(report.error ?? '').not.toMatch(PROGRAMMING_ERROR);
  });
});
