/**
 * Encrypted PDFs that open with an empty password (the standard security handler, RC4 40/128,
 * AES-128, AES-256 R5/R6), written by qpdf with encrypted object streams: the probe decrypts
 * them and reads them as fully as the unencrypted original, cross-checked with qpdf/pdfinfo.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfProbe, pdfThumbnail } from '../../../src/analysis/pdf/index.js';
import * as fx from './fixtures.js';
import { pdfinfo } from './poppler.js';
import { withAnalyses } from './probe-helper.js';

const run = promisify(execFile);
let dir: string;
let plain: string;

beforeAll(async () => {
  await fx.requireTool('qpdf', ['--version'], 'qpdf');
  await fx.requireTool('pdffonts', ['-v'], 'poppler-utils');
  dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-encrypted-'));
  plain = await fx.imagesPdf(dir, 'plain.pdf', [
    { kind: 'rgb', px: [300, 200], mm: [100, 66.67], at: [10, 10] },
    { kind: 'cmyk', px: [900, 900], mm: [50.8, 50.8], at: [120, 120] },
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const probe = (path: string) => withAnalyses(path, (get) => get(pdfProbe));

const CASES: [fx.QpdfEncryption, { revision: number; key_bits: number }][] = [
  ['rc4-40', { revision: 2, key_bits: 40 }],
  ['rc4-128', { revision: 3, key_bits: 128 }],
  ['aes-128', { revision: 4, key_bits: 128 }],
  ['aes-256-r5', { revision: 5, key_bits: 256 }],
  ['aes-256-r6', { revision: 6, key_bits: 256 }],
];

describe('encrypted with an empty user password', () => {
  it.each(CASES)('%s: decrypted and read like the original', async (how, expected) => {
    const path = await fx.qpdfEncrypted(plain, dir, `${how}.pdf`, how);
    // The reference tools open it without a password and say it is encrypted.
    const info = await pdfinfo(path);
    expect(info['Encrypted']).toMatch(/^yes/);
    const shown = (await run('qpdf', ['--show-encryption', path])).stdout;
    expect(shown).toContain(`R = ${expected.revision}`);

    const original = (await probe(plain)).details;
    const { details, info: summary } = await probe(path);
    expect(details.encryption).toMatchObject({ filter: 'Standard', ...expected });
    expect(summary['encrypted']).toBe(true);
    expect(details.content_read).toBe(true);
    expect(details.page_count).toBe(Number(info['Pages']));
    // Images, their effective resolution and colour are judged as in the unencrypted file.
    const strip = (d: typeof details) => d.images.map((i) => ({ w: i.width, h: i.height, ppi: i.ppi, color: i.color }));
    expect(strip(details)).toEqual(strip(original));
    expect(details.images.map((i) => i.ppi).sort((a, b) => a - b)).toEqual([76.2, 450]);
    expect(details.colors.map((c) => c.label).sort()).toEqual(original.colors.map((c) => c.label).sort());
    expect(details.notes.join(' ')).not.toMatch(/encrypted/);
  });
});

describe('encrypted with an empty owner password (and a user password)', () => {
  it('opens as poppler does: pdf.js reads a decrypted copy, the probe reads it in full', async () => {
    const path = await fx.qpdfEncrypted(plain, dir, 'owner-empty.pdf', 'aes-256-r6', { emptyOwnerOnly: true });
    const info = await pdfinfo(path);
    expect(info['Encrypted']).toMatch(/^yes/);
    const { details } = await probe(path);
    expect(details.encryption).toMatchObject({ revision: 6, key_bits: 256 });
    expect(details.content_read).toBe(true);
    expect(details.page_count).toBe(Number(info['Pages']));
    expect(details.images.map((i) => i.ppi).sort((a, b) => a - b)).toEqual([76.2, 450]);
    const thumbnail = await withAnalyses(path, (get) => get(pdfThumbnail));
    expect(thumbnail?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});
