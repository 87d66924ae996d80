import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffFile } from '../../src/qc/sniff.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/runtime.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const sniff = async (file: string) => {
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
  return sniffFile(file, size);
};

describe('kind and format come from the bytes, never the name', () => {
  it('a PNG named .jpg is a PNG image', async () => {
    const s = await sniff(await makeImage(dir, 'x.jpg', { format: 'png' }));
    expect(s).toMatchObject({ kind: 'image', format: 'png' });
  });
  it('a minimal PDF header is a PDF whatever its name', async () => {
    const f = join(dir, 'doc.png');
    await writeFile(f, '%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    expect(await sniff(f)).toMatchObject({ kind: 'pdf', format: 'pdf' });
  });
  it('text, empty files and Word documents are unknown with a reason', async () => {
    const text = join(dir, 'notes.png');
    await writeFile(text, 'just some notes\n');
    expect(await sniff(text)).toMatchObject({ kind: 'unknown', format: 'text', reason: expect.stringMatching(/plain text/) });
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    expect(await sniff(empty)).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/empty \(0 bytes\)/) });
  });
});
