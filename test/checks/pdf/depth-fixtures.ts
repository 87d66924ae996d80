/**
 * Fixtures for the print-depth checks (ink coverage, hairlines, overprint, PDF/X), written
 * with pdf-lib as raw content streams so every operator, ExtGState and box is exactly what
 * the test says. Nothing binary is committed.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, PDFName, PDFString, StandardFonts, type PDFPage } from 'pdf-lib';

const run = promisify(execFile);

export const MM = 72 / 25.4;
export const A4: [number, number] = [595.28, 841.89];

type GState = Record<string, boolean | number | string>;

export interface RawPage {
  /** The content stream, as written. `/F1` is Helvetica when `font` is set. */
  content: string;
  extGStates?: Record<string, GState>;
  font?: boolean;
  size?: [number, number];
  /** Written as given (pt); none when absent. */
  trim?: [number, number, number, number];
  art?: [number, number, number, number];
  /** A /Group << /S /Transparency >> on the page. */
  transparencyGroup?: boolean;
  /** Form XObjects by name (`/Fm1 Do`), with their /Matrix. */
  forms?: Record<string, { content: string; matrix?: number[] }>;
}

export interface RawDoc {
  pages: RawPage[];
  /** An OutputIntent of subtype GTS_PDFX (with a 4-component profile stub) when set. */
  outputIntent?: { condition: string; subtype?: string };
  pdfxVersion?: string;
}

export async function rawPdf(dir: string, name: string, spec: RawDoc): Promise<string> {
  const doc = await PDFDocument.create();
  const ctx = doc.context;
  const helvetica = spec.pages.some((p) => p.font) ? await doc.embedFont(StandardFonts.Helvetica) : undefined;
  for (const p of spec.pages) {
    const page: PDFPage = doc.addPage(p.size ?? A4);
    const resources = page.node.Resources()!;
    if (p.extGStates) resources.set(PDFName.of('ExtGState'), ctx.obj(Object.fromEntries(Object.entries(p.extGStates).map(([k, g]) => [k, ctx.obj(gstate(g))]))));
    if (helvetica && p.font) resources.set(PDFName.of('Font'), ctx.obj({ F1: helvetica.ref }));
    if (p.forms) {
      const forms = Object.entries(p.forms).map(([k, f]) => [k, ctx.register(ctx.stream(f.content, { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 600, 850], Matrix: f.matrix ?? [1, 0, 0, 1, 0, 0] }))]);
      resources.set(PDFName.of('XObject'), ctx.obj(Object.fromEntries(forms)));
    }
    page.node.set(PDFName.of('Contents'), ctx.register(ctx.stream(p.content)));
    if (p.trim) page.setTrimBox(p.trim[0], p.trim[1], p.trim[2] - p.trim[0], p.trim[3] - p.trim[1]);
    if (p.art) page.setArtBox(p.art[0], p.art[1], p.art[2] - p.art[0], p.art[3] - p.art[1]);
    if (p.transparencyGroup) page.node.set(PDFName.of('Group'), ctx.obj({ Type: 'Group', S: 'Transparency', CS: 'DeviceCMYK' }));
  }
  if (spec.outputIntent) {
    // A stub profile: the structure is what is judged here, not the profile's contents.
    const profile = ctx.register(ctx.stream(new Uint8Array(128), { N: 4 }));
    const intent = ctx.obj({
      Type: 'OutputIntent',
      S: spec.outputIntent.subtype ?? 'GTS_PDFX',
      OutputConditionIdentifier: PDFString.of(spec.outputIntent.condition),
      RegistryName: PDFString.of('http://www.color.org'),
      DestOutputProfile: profile,
    });
    doc.catalog.set(PDFName.of('OutputIntents'), ctx.obj([ctx.register(intent)]));
  }
  if (spec.pdfxVersion) {
    const info = ctx.lookup(ctx.trailerInfo.Info);
    if (info && 'set' in info) (info as { set(k: PDFName, v: PDFString): void }).set(PDFName.of('GTS_PDFXVersion'), PDFString.of(spec.pdfxVersion));
  }
  const path = join(dir, name);
  await writeFile(path, await doc.save({ useObjectStreams: false }));
  return path;
}

function gstate(g: GState): GState {
  // ctx.obj turns strings into names: BM /Multiply, SMask /None.
  return { Type: 'ExtGState', ...g };
}

/** A solid CMYK box (pt) as content. */
export function cmykBox(c: number, m: number, y: number, k: number, [x, yy, w, h]: [number, number, number, number]): string {
  return `${c} ${m} ${y} ${k} k ${x} ${yy} ${w} ${h} re f\n`;
}

/** Ghostscript's inkcov device: per page, the mean coverage of C, M, Y, K (0..1). The reference for averages. */
export async function inkcov(path: string): Promise<Array<[number, number, number, number]>> {
  const { stdout } = await run('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=inkcov', '-r50', '-dUseCropBox', '-o', '-', '-f', path]);
  return stdout
    .split('\n')
    .filter((l) => /CMYK/.test(l))
    .map((l) => l.trim().split(/\s+/).slice(0, 4).map(Number) as [number, number, number, number]);
}

/** One CMYK pixel of page 1 from Ghostscript (tiffsep's composite is the same engine), at `dpi`; x, y in pt from the top-left. */
export async function gsPixel(path: string, xPt: number, yPt: number, dpi = 36): Promise<[number, number, number, number]> {
  const { stdout } = await run('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pamcmyk32', `-r${dpi}`, '-dFirstPage=1', '-dLastPage=1', '-sstdout=%stderr', '-sOutputFile=-', '-f', path], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const end = stdout.indexOf('ENDHDR\n') + 7;
  const header = stdout.toString('latin1', 0, end);
  const width = Number(/WIDTH (\d+)/.exec(header)![1]);
  const x = Math.floor((xPt / 72) * dpi);
  const y = Math.floor((yPt / 72) * dpi);
  const i = end + (y * width + x) * 4;
  return [stdout[i]!, stdout[i + 1]!, stdout[i + 2]!, stdout[i + 3]!];
}

/** poppler's pdfinfo -box for page `page`: each box as [x0, y0, x1, y1]. */
export async function pdfinfoBoxes(path: string, page = 1): Promise<Record<string, number[]>> {
  const { stdout } = await run('pdfinfo', ['-box', '-f', String(page), '-l', String(page), path]);
  const boxes: Record<string, number[]> = {};
  for (const m of stdout.matchAll(/^Page\s+\d+\s+(\w+):\s+([-\d.\s]+)$/gm)) boxes[m[1]!] = m[2]!.trim().split(/\s+/).map(Number);
  return boxes;
}
