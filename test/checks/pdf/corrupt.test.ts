/**
 * Damaged PDFs get the right verdict, and never crash the run or leak a programming error into
 * a report. Five kinds of damage with a known right answer (the fixture fails on purpose: a
 * 400 px CMYK image placed 50 mm wide is 203 ppi, under the 300 asked): damage a viewer repairs
 * or that preflight does not read keeps that `fail`; damage that leaves no document is `error`
 * with the reason. Then 40 copies with bytes overwritten or a slice removed somewhere in the
 * middle (keeping %%EOF so they get past the cheap truncation check into the parsers).
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

/** The first offset of `needle` in `buf` (latin1), failing loudly if the fixture changed shape. */
function offsetOf(buf: Buffer, needle: string, from = 0): number {
  const at = buf.indexOf(Buffer.from(needle, 'latin1'), from);
  if (at < 0) throw new Error(`fixture has no "${needle}"`);
  return at;
}

function overwrite(buf: Buffer, at: number, length: number, byte = 0x41): Buffer {
  const copy = Buffer.from(buf);
  copy.fill(byte, at, at + length);
  return copy;
}

describe('damage with a known right verdict', () => {
  const cases: Array<{ name: string; damage: (src: Buffer) => Buffer; verdict: 'fail' | 'error'; says?: RegExp }> = [
    {
      name: 'image pixel data overwritten (preflight reads the image dictionary, not its pixels)',
      damage: (src) => {
        const image = offsetOf(src, '/Subtype /Image');
        return overwrite(src, offsetOf(src, 'stream', image) + 8, 64);
      },
      verdict: 'fail',
    },
    {
      name: 'cross-reference table garbled (repaired by scanning the objects, as viewers do)',
      damage: (src) => {
        const xref = offsetOf(src, 'xref');
        return overwrite(src, xref + 30, 60, 0x39);
      },
      verdict: 'fail',
    },
    {
      // poppler reads both pages and qpdf warns "/Type key should be /Pages but is not;
      // overriding": the page tree is found by its /Kids, as they do.
      name: 'page tree node /Type overwritten (read by its /Kids, as poppler and qpdf do)',
      damage: (src) => {
        const pages = offsetOf(src, '/Type /Pages');
        return overwrite(src, pages + 7, 5, 0x58);
      },
      verdict: 'fail',
    },
    {
      name: 'page tree unlinked: the catalog names no /Pages (no page left to check)',
      damage: (src) => {
        const pages = offsetOf(src, '/Pages ', offsetOf(src, '/Type /Catalog'));
        return overwrite(src, pages + 1, 5, 0x58);
      },
      verdict: 'error',
      says: /damaged/,
    },
    {
      name: 'header destroyed',
      damage: (src) => overwrite(src, 0, 5, 0x20),
      verdict: 'error',
      // Without its %PDF- signature the bytes are not recognised as a PDF at all.
      says: /plain text/,
    },
    {
      name: 'cut short (upload interrupted)',
      damage: (src) => src.subarray(0, Math.floor(src.length / 2)),
      verdict: 'error',
      says: /incomplete|cut short/,
    },
  ];

  it.each(cases)('$name → $verdict', async ({ name, damage, verdict, says }) => {
    const path = join(dir, `known-${cases.findIndex((c) => c.name === name)}.pdf`);
    await writeFile(path, damage(sources[0]!));
    const report = await runPdf(path, CHECKS);
    reportSchema.parse(report);
    expect(report.verdict).toBe(verdict);
    if (verdict === 'fail') {
      // The same judgement as the undamaged file: only the resolution fails.
      expect(report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}`)).toEqual(['pdf.image_resolution=fail']);
    } else {
      expect(report.score).toBe(0);
      expect(report.checks.find((c) => c.id === 'file.readable')?.status).toBe('fail');
      expect(report.error).toMatch(says!);
      expect(report.error).toMatch(/known-\d+\.pdf/);
    }
  });

  it('the undamaged fixture fails on resolution alone', async () => {
    const path = join(dir, 'undamaged.pdf');
    await writeFile(path, sources[0]!);
    const report = await runPdf(path, CHECKS);
    expect(report.verdict).toBe('fail');
    expect(report.checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['pdf.image_resolution']);
  });
});

describe('corrupted PDFs', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i))('damage #%i gives a clean report', async (i) => {
    const path = join(dir, `damaged-${i}.pdf`);
    await writeFile(path, damaged(i));
    const report = await runPdf(path, CHECKS);
    reportSchema.parse(report);
    // Where the damage lands decides between a repaired read and a refusal; either way the
    // verdict follows from the checks: refused ⇔ file.readable failed ⇔ error, score 0, a reason.
    const refused = report.checks.find((c) => c.id === 'file.readable')?.status === 'fail';
    expect(report.verdict === 'error').toBe(refused);
    if (refused) {
      expect(report.score).toBe(0);
      expect(report.error).toMatch(new RegExp(`^damaged-${i}\\.pdf: `));
      expect(report.checks.filter((c) => c.id !== 'file.readable').every((c) => c.status === 'skipped')).toBe(true);
    }
    for (const c of report.checks) expect(c.message).not.toMatch(PROGRAMMING_ERROR);
    expect(report.error ?? '').not.toMatch(PROGRAMMING_ERROR);
  });
});
