/**
 * A PDF's copy is read from its text layer, not OCR. The PDF family (branch `pdf`) owns
 * the real text-layer analysis; until it lands, this test stands one up with pdf.js, plugs
 * it into the text source seam (`createPdfTextSource` through env.extensions.text) and runs
 * the real engine and text checks on a PDF ghostscript writes.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, expect, test } from 'vitest';
import { createPdfTextSource, wordsFromRuns, type PdfTextLayerLike, type PdfTextLayerPage } from '../../../src/analysis/text/sources.js';
import type { Analysis, KindHandler, ProbeResult } from '../../../src/qc/types.js';
import { check, FIXTURES, runChecks } from '../../checks/text/helpers.js';

const run = promisify(execFile);

async function pdfPages(path: string): Promise<PdfTextLayerPage[]> {
  const { readFile } = await import('node:fs/promises');
  const task = getDocument({ data: new Uint8Array(await readFile(path)), verbosity: 0 });
  const doc = await task.promise;
  const pages: PdfTextLayerPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const { width, height } = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const items = content.items.flatMap((item) => {
      if (!('str' in item)) return [];
      const [, , , , e, f] = item.transform as number[];
      return [{ text: item.str, box: { x: e! / width, y: 1 - (f! + item.height) / height, w: item.width / width, h: item.height / height } }];
    });
    pages.push({ page: n, items });
  }
  await task.destroy();
  return pages;
}

const testPdfTextLayer: Analysis<PdfTextLayerLike, never> = { id: 'test.pdf.text-layer', compute: async (ctx) => ({ pages: await pdfPages(ctx.asset.path) }) };
const testPdfKind: KindHandler = {
  kind: 'pdf',
  probe: { id: 'test.pdf.probe', compute: async (ctx): Promise<ProbeResult> => ({ format: 'pdf', info: { pages: (await ctx.get(testPdfTextLayer)).pages.length }, details: {} }) },
};

let pdf: string;
beforeAll(async () => {
  await mkdir(FIXTURES, { recursive: true });
  const ps = join(FIXTURES, 'flyer.ps');
  pdf = join(FIXTURES, 'flyer.pdf');
  await writeFile(
    ps,
    [
      '%!PS',
      '<< /PageSize [595 842] >> setpagedevice',
      '/Helvetica-Bold findfont 30 scalefont setfont 60 740 moveto (Our new recipie is here) show',
      '/Helvetica findfont 14 scalefont setfont 60 90 moveto (Please drink responsibly. www.example.com) show',
      'showpage',
      '0.6 setgray 60 60 475 720 rectfill showpage',
    ].join('\n'),
  );
  await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', `-sOutputFile=${pdf}`, ps]);
});

test('text runs become words with boxes shared out along the run', () => {
  const words = wordsFromRuns([{ text: 'Drink responsibly', box: { x: 0.1, y: 0.5, w: 0.34, h: 0.02 } }]);
  expect(words.map((w) => [w.text, +w.box.x.toFixed(3), +w.box.w.toFixed(3)])).toEqual([
    ['Drink', 0.1, 0.1],
    ['responsibly', 0.22, 0.22],
  ]);
});

test('a PDF is checked from its text layer, without OCR; an image-only page is reported unread', async () => {
  const report = await runChecks(
    pdf,
    [{ id: 'text.spelling' }, { id: 'text.required_phrases', params: { phrases: ['Please drink responsibly'] } }],
    { kinds: [testPdfKind], extensions: { text: { sources: { pdf: createPdfTextSource({ textLayer: testPdfTextLayer }) } } } },
  );
  const spelling = check(report, 'text.spelling');
  expect(spelling.status).toBe('fail');
  expect(spelling.measured).toMatchObject({ words: ['recipie'], text_source: 'text layer; page 2 has no text layer and was not read (no page renderer for OCR)' });
  const recipie = spelling.evidence![0]!;
  expect(recipie).toMatchObject({ page: 1, label: expect.stringMatching(/^recipie → recipe/) });
  expect(recipie.detail).not.toHaveProperty('ocr_confidence');
  // 30 pt type at y = 740 pt on an 842 pt page: the top eighth.
  expect(recipie.box!.y).toBeGreaterThan(0.08);
  expect(recipie.box!.y).toBeLessThan(0.14);
  expect(check(report, 'text.required_phrases')).toMatchObject({ status: 'pass', evidence: [expect.objectContaining({ page: 1 })] });
});
