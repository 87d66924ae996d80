/**
 * pdf.hairlines: stroke widths after the CTM from our content walk, against pdf.js's own
 * operator list (setLineWidth × transform, an independent parser) as the reference.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawPdf } from './depth-fixtures.js';
import { checkOf, runPdf } from './engine.js';

let dir: string;
const files: Record<string, string> = {};
const line = (w: string) => `0 0 0 1 RG ${w} w 100 100 m 400 100 l S\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiqc-hairlines-'));
  files.thin = await rawPdf(dir, 'thin.pdf', { pages: [{ content: line('0.1') }] });
  files.thick = await rawPdf(dir, 'thick.pdf', { pages: [{ content: line('0.5') }] });
  // 1 pt drawn at 20 % is 0.2 pt on paper; 0.2 pt drawn at 200 % is 0.4 pt.
  files.scaledDown = await rawPdf(dir, 'scaled-down.pdf', { pages: [{ content: `q 0.2 0 0 0.2 0 0 cm ${line('1')}Q` }] });
  files.scaledUp = await rawPdf(dir, 'scaled-up.pdf', { pages: [{ content: `q 2 0 0 2 0 0 cm ${line('0.2')}Q 0.5 w 10 10 m 20 20 l S` }] });
  files.zero = await rawPdf(dir, 'zero.pdf', { pages: [{ content: line('0') }, { content: line('1') }] });
  // A form drawn at 200 %: its 0.1 pt line prints at 0.2 pt; the width set inside it does not leak out.
  files.form = await rawPdf(dir, 'form.pdf', { pages: [{ content: `/Fm1 Do 100 200 m 200 200 l S`, forms: { Fm1: { content: line('0.1'), matrix: [2, 0, 0, 2, 0, 0] } } }] });
  // q/Q restores the width: the second stroke is 1 pt again.
  files.restored = await rawPdf(dir, 'restored.pdf', { pages: [{ content: `1 w q 0.1 w Q 100 200 m 200 200 l S` }] });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** pdf.js's view: every stroke's width × the CTM scale (sqrt |det|), from getOperatorList. */
async function pdfjsStrokeWidths(path: string): Promise<number[]> {
  const { getDocument, OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({ data: new Uint8Array(await readFile(path)), verbosity: 0 });
  const doc = await task.promise;
  const widths: number[] = [];
  try {
    for (let p = 1; p <= doc.numPages; p++) {
      const list = await (await doc.getPage(p)).getOperatorList();
      let ctm = [1, 0, 0, 1, 0, 0];
      let lw = 1;
      const stack: Array<[number[], number]> = [];
      const strokes = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
      list.fnArray.forEach((fn, i) => {
        const args = list.argsArray[i] as unknown[];
        const transform = ([a, b, c, d, e, f]: number[]) => {
          const m = ctm;
          ctm = [a! * m[0]! + b! * m[2]!, a! * m[1]! + b! * m[3]!, c! * m[0]! + d! * m[2]!, c! * m[1]! + d! * m[3]!, e! * m[0]! + f! * m[2]! + m[4]!, e! * m[1]! + f! * m[3]! + m[5]!];
        };
        if (fn === OPS.save || fn === OPS.paintFormXObjectBegin) {
          stack.push([ctm, lw]);
          // A form begins with its /Matrix (pdf.js: [Float32Array matrix, bbox]).
          if (fn === OPS.paintFormXObjectBegin && args[0]) transform(Array.from(args[0] as ArrayLike<number>));
        } else if (fn === OPS.restore || fn === OPS.paintFormXObjectEnd) [ctm, lw] = stack.pop() ?? [ctm, lw];
        else if (fn === OPS.setLineWidth) lw = args[0] as number;
        else if (fn === OPS.transform) transform(args as number[]); else if (fn === OPS.constructPath && strokes.has(args[0] as number)) widths.push(Math.round(lw * Math.sqrt(Math.abs(ctm[0]! * ctm[3]! - ctm[1]! * ctm[2]!)) * 1000) / 1000);
      });
    }
  } finally {
    await task.destroy();
  }
  return widths;
}

const check = (min?: number) => [{ id: 'pdf.hairlines', params: min === undefined ? {} : { min_width_pt: min } }];

describe('pdf.hairlines', () => {
  it('fails a 0.1 pt line at the default 0.25 pt and says where it is', async () => {
    const c = checkOf(await runPdf(files.thin!, check()), 'pdf.hairlines');
    expect(c.status).toBe('fail');
    expect(c.measured).toMatchObject({ strokes_below_minimum: 1, thinnest_pt: 0.1 });
    expect(c.message).toMatch(/1 stroke thinner than 0.25 pt on page 1; the thinnest is 0.1 pt/);
    expect(c.evidence![0]).toMatchObject({ page: 1, label: '1 stroke of 0.1 pt' });
    expect(c.evidence![0]!.box!.x).toBeCloseTo(100 / 595.28, 2);
  });

  it('passes a 0.5 pt line', async () => {
    expect(checkOf(await runPdf(files.thick!, check()), 'pdf.hairlines').status).toBe('pass');
  });

  it('measures the width after the CTM, as pdf.js does (the reference)', async () => {
    const down = checkOf(await runPdf(files.scaledDown!, check()), 'pdf.hairlines');
    expect([down.status, down.measured!.thinnest_pt]).toEqual(['fail', 0.2]);
    expect(await pdfjsStrokeWidths(files.scaledDown!)).toEqual([0.2]);
    const up = checkOf(await runPdf(files.scaledUp!, check()), 'pdf.hairlines');
    expect(up.status).toBe('pass');
    expect(await pdfjsStrokeWidths(files.scaledUp!)).toEqual([0.4, 0.5]);
    // A stricter limit catches the 0.4 pt line.
    const strict = checkOf(await runPdf(files.scaledUp!, check(0.45)), 'pdf.hairlines');
    expect([strict.status, strict.measured!.thinnest_pt]).toEqual(['fail', 0.4]);
  });

  it('calls a 0 pt width a hairline, on its page only', async () => {
    const c = checkOf(await runPdf(files.zero!, check()), 'pdf.hairlines');
    expect(c.status).toBe('fail');
    expect(c.measured!.thinnest_pt).toBe(0);
    expect(c.evidence!.map((e) => e.page)).toEqual([1]);
    expect(c.message).toMatch(/0 pt \(a "hairline"/);
  });

  it('follows form XObjects (their /Matrix) and restores the state after them', async () => {
    const c = checkOf(await runPdf(files.form!, check()), 'pdf.hairlines');
    expect([c.status, c.measured!.thinnest_pt, c.measured!.strokes_below_minimum]).toEqual(['fail', 0.2, 1]);
    expect(await pdfjsStrokeWidths(files.form!)).toEqual([0.2, 1]);
  });

  it('restores the width with Q', async () => {
    expect(checkOf(await runPdf(files.restored!, check()), 'pdf.hairlines').status).toBe('pass');
  });
});
