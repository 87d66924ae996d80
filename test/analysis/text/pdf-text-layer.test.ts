/**
 * A PDF's copy comes from its text layer (the PDF family's `pdfText`), not OCR; only pages
 * with no text layer (image-only, or text converted to outlines) are rendered and OCRed.
 * PDFs are written by ghostscript.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, test } from 'vitest';
import { wordsFromRuns } from '../../../src/analysis/text/sources.js';
import { check, FIXTURES, runChecks } from '../../checks/text/helpers.js';

const run = promisify(execFile);

async function gsPdf(name: string, pages: string[][], extra: string[] = []): Promise<string> {
  await mkdir(FIXTURES, { recursive: true });
  const ps = join(FIXTURES, `${name}.ps`);
  const pdf = join(FIXTURES, `${name}.pdf`);
  await writeFile(ps, ['%!PS', '<< /PageSize [595 842] >> setpagedevice', ...pages.flatMap((p) => [...p, 'showpage'])].join('\n'));
  await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', ...extra, `-sOutputFile=${pdf}`, ps]);
  return pdf;
}

const FLYER = [
  '/Helvetica-Bold findfont 30 scalefont setfont 60 740 moveto (Our new recipie is here) show',
  '/Helvetica findfont 14 scalefont setfont 60 90 moveto (Please drink responsibly. www.example.com) show',
];

let layered: string;
let outlined: string;
beforeAll(async () => {
  layered = await gsPdf('flyer', [FLYER, ['0.6 setgray 60 60 475 720 rectfill']]);
  // The same flyer with its text converted to outlines: no text layer, the words only drawn.
  outlined = await gsPdf('flyer-outlined', [FLYER], ['-dNoOutputFonts']);
});

test('text runs become words with boxes shared out along the run', () => {
  const words = wordsFromRuns([{ text: 'Drink responsibly', box: { x: 0.1, y: 0.5, w: 0.34, h: 0.02 } }]);
  expect(words.map((w) => [w.text, +w.box.x.toFixed(3), +w.box.w.toFixed(3)])).toEqual([
    ['Drink', 0.1, 0.1],
    ['responsibly', 0.22, 0.22],
  ]);
});

test('a PDF with a text layer is checked from it, without OCR; a page without one is rendered and OCRed', async () => {
  const report = await runChecks(layered, [{ id: 'text.spelling' }, { id: 'text.required_phrases', params: { phrases: ['Please drink responsibly'] } }]);
  const spelling = check(report, 'text.spelling');
  expect(spelling.status).toBe('fail');
  expect(spelling.measured).toMatchObject({ words: ['recipie'], text_source: expect.stringMatching(/^text layer \+ ocr: .* on page 2$/) });
  const recipie = spelling.evidence![0]!;
  expect(recipie).toMatchObject({ page: 1, label: expect.stringMatching(/^recipie → recipe/) });
  expect(recipie.detail).not.toHaveProperty('ocr_confidence'); // read from the text layer
  // 30 pt type at y = 740 pt on an 842 pt page: the top eighth.
  expect(recipie.box!.y).toBeGreaterThan(0.08);
  expect(recipie.box!.y).toBeLessThan(0.14);
  expect(check(report, 'text.required_phrases')).toMatchObject({ status: 'pass', evidence: [expect.objectContaining({ page: 1 })] });
});

test('a PDF whose text is outlines is OCRed from the rendered page', async () => {
  const report = await runChecks(outlined, [{ id: 'text.spelling' }, { id: 'text.required_phrases', params: { phrases: ['Please drink responsibly'] } }]);
  const spelling = check(report, 'text.spelling');
  expect(spelling.measured).toMatchObject({ words: ['recipie'], text_source: expect.stringMatching(/^text layer \+ ocr: .* on page 1$/) });
  expect(spelling.evidence![0]).toMatchObject({ page: 1, detail: expect.objectContaining({ ocr_confidence: expect.any(Number) }) });
  expect(check(report, 'text.required_phrases').status).toBe('pass');
});
