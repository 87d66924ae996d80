/**
 * PDF fixtures, generated on the fly: pdf-lib for exact geometry (boxes, image placement,
 * colour spaces written by hand), ghostscript for what pdf-lib cannot write (embedded and
 * Type 3 fonts, encryption, a 2000-page file). Nothing binary is committed.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cmyk, degrees, type PDFArray, PDFDict, PDFDocument, PDFName, PDFString, PDFNumber, PDFOperator, PDFOperatorNames as Op, rgb, StandardFonts, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';

const run = promisify(execFile);

export const MM = 72 / 25.4;
export const A4: [number, number] = [210 * MM, 297 * MM];
export const LETTER: [number, number] = [612, 792];

/** Fails with the install step when a tool the tests need is missing (never skips). */
export async function requireTool(cmd: string, args: string[], apt: string): Promise<void> {
  try {
    await run(cmd, args);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new Error(`${cmd} is required by the PDF tests: apt-get install -y ${apt}`, { cause: err });
  }
}

async function save(doc: PDFDocument, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, await doc.save({ useObjectStreams: false }));
  return path;
}

/** A trimmed page of `trim` size with `bleedMm` on every side (BleedBox = MediaBox). */
function addTrimmedPage(doc: PDFDocument, trim: [number, number], bleedMm: number, opts: { bleedBox: boolean } = { bleedBox: true }): PDFPage {
  const b = bleedMm * MM;
  const page = doc.addPage([trim[0] + 2 * b, trim[1] + 2 * b]);
  page.setTrimBox(b, b, trim[0], trim[1]);
  if (opts.bleedBox) page.setBleedBox(0, 0, trim[0] + 2 * b, trim[1] + 2 * b);
  // Background to the bleed edge, in CMYK: what a print file with bleed looks like.
  page.drawRectangle({ x: 0, y: 0, width: trim[0] + 2 * b, height: trim[1] + 2 * b, color: cmyk(0, 0.1, 0.2, 0) });
  return page;
}

export async function trimmedPdf(dir: string, name: string, trim: [number, number], bleedMm: number, opts: { bleedBox?: boolean; pages?: number } = {}): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < (opts.pages ?? 1); i++) addTrimmedPage(doc, trim, bleedMm, { bleedBox: opts.bleedBox ?? true });
  return save(doc, dir, name);
}

/** A page with no TrimBox/BleedBox: size from the MediaBox, bleed 0. */
export async function plainPdf(dir: string, name: string, size: [number, number], pages = 1, opts: { rotate?: number } = {}): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage(size);
    page.drawRectangle({ x: 20, y: 20, width: 100, height: 100, color: cmyk(0, 0, 0, 1) });
    if (opts.rotate) page.setRotation(degrees(opts.rotate));
  }
  return save(doc, dir, name);
}

export type ImageKind = 'rgb' | 'cmyk' | 'gray';

export interface PlacedImageSpec {
  kind: ImageKind;
  px: [number, number];
  /** Placed size in mm and lower-left corner in mm from the trim's lower-left. */
  mm: [number, number];
  at: [number, number];
}

async function jpeg(kind: ImageKind, [w, h]: [number, number]): Promise<Buffer> {
  const base = sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 40, b: 60 } } });
  if (kind === 'cmyk') return base.toColourspace('cmyk').jpeg({ quality: 80 }).toBuffer();
  if (kind === 'gray') return base.toColourspace('b-w').jpeg({ quality: 80 }).toBuffer();
  return base.jpeg({ quality: 80 }).toBuffer();
}

/** An A4 page with 3 mm bleed and the given images placed at exact sizes. */
export async function imagesPdf(dir: string, name: string, images: PlacedImageSpec[]): Promise<string> {
  const doc = await PDFDocument.create();
  const page = addTrimmedPage(doc, A4, 3);
  for (const spec of images) {
    const img = await doc.embedJpg(await jpeg(spec.kind, spec.px));
    page.drawImage(img, { x: (3 + spec.at[0]) * MM, y: (3 + spec.at[1]) * MM, width: spec.mm[0] * MM, height: spec.mm[1] * MM });
  }
  return save(doc, dir, name);
}

/** Standard-14 Helvetica through pdf-lib: referenced by name, not embedded. */
export async function unembeddedFontPdf(dir: string, name: string): Promise<string> {
  const doc = await PDFDocument.create();
  const page = addTrimmedPage(doc, A4, 3);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('Print preflight sample', { x: 72, y: 700, size: 24, font, color: cmyk(0, 0, 0, 1) });
  return save(doc, dir, name);
}

/**
 * A page whose fill colours are set through named colour spaces in the resources: `spot`
 * (Separation "PANTONE 185 C"), `lab`, `devicen` (process + a spot), or device RGB via `rg`.
 */
export async function colourPdf(dir: string, name: string, kind: 'spot' | 'lab' | 'rgb_fill' | 'devicen'): Promise<string> {
  const doc = await PDFDocument.create();
  const page = addTrimmedPage(doc, A4, 3);
  const ctx = doc.context;
  const tint = ctx.obj({ FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [0, 0.91, 0.76, 0], N: 1 });
  const spaces: Record<string, PDFArray> = {
    spot: ctx.obj([PDFName.of('Separation'), PDFName.of('PANTONE 185 C'), PDFName.of('DeviceCMYK'), ctx.register(tint)]),
    lab: ctx.obj([PDFName.of('Lab'), ctx.obj({ WhitePoint: [0.9505, 1, 1.089], Range: [-128, 127, -128, 127] })]),
    devicen: ctx.obj([
      PDFName.of('DeviceN'),
      ctx.obj([PDFName.of('Cyan'), PDFName.of('Gold Foil')]),
      PDFName.of('DeviceCMYK'),
      ctx.register(ctx.obj({ FunctionType: 2, Domain: [0, 1, 0, 1], C0: [0, 0, 0, 0], C1: [1, 0.2, 0.6, 0], N: 1 })),
    ]),
  };
  const ops: PDFOperator[] = [PDFOperator.of(Op.PushGraphicsState)];
  if (kind === 'rgb_fill') {
    page.drawRectangle({ x: 100, y: 100, width: 200, height: 200, color: rgb(1, 0, 0) });
  } else {
    const resources = page.node.normalizedEntries().Resources;
    resources.set(PDFName.of('ColorSpace'), ctx.obj({ CS0: spaces[kind]! }));
    const comps = kind === 'lab' ? [50, 60, 30] : kind === 'devicen' ? [1, 1] : [1];
    ops.push(
      PDFOperator.of(Op.NonStrokingColorspace, [PDFName.of('CS0')]),
      PDFOperator.of(Op.NonStrokingColorN, comps.map((c) => PDFNumber.of(c))),
      PDFOperator.of(Op.AppendRectangle, [100, 100, 200, 200].map((n) => PDFNumber.of(n))),
      PDFOperator.of(Op.FillNonZero),
    );
  }
  ops.push(PDFOperator.of(Op.PopGraphicsState));
  page.pushOperators(...ops);
  return save(doc, dir, name);
}

async function ghostscript(dir: string, name: string, postscript: string, extra: string[] = []): Promise<string> {
  const ps = join(dir, `${name}.ps`);
  const out = join(dir, name);
  await writeFile(ps, postscript);
  await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', ...extra, '-o', out, ps]);
  return out;
}

// Ghostscript pages are A4 plus 3 mm bleed all round, with TrimBox and BleedBox set by pdfmark.
const BLEED_PT = 3 * MM;
const PAGE_W = (A4[0] + 2 * BLEED_PT).toFixed(2);
const PAGE_H = (A4[1] + 2 * BLEED_PT).toFixed(2);
const A4_PS = `<< /PageSize [${PAGE_W} ${PAGE_H}] >> setpagedevice`;
const BOXES_PS = `[ /TrimBox [${BLEED_PT.toFixed(2)} ${BLEED_PT.toFixed(2)} ${(A4[0] + BLEED_PT).toFixed(2)} ${(A4[1] + BLEED_PT).toFixed(2)}] /BleedBox [0 0 ${PAGE_W} ${PAGE_H}] /PAGE pdfmark`;

/** Nimbus Sans (ghostscript's own) is embedded as a subset; "BoxFont" is a Type 3 font. */
export function fontsPdf(dir: string, name: string, opts: { type3: boolean }): Promise<string> {
  const type3 = `
8 dict begin
/FontType 3 def /FontMatrix [0.001 0 0 0.001 0 0] def /FontBBox [0 0 1000 1000] def
/Encoding 256 array def 0 1 255 { Encoding exch /.notdef put } for Encoding 65 /box put
/BuildChar { 1000 0 0 0 750 750 setcachedevice pop 0 0 moveto 750 0 lineto 750 750 lineto 0 750 lineto closepath fill } bind def
currentdict end /BoxFont exch definefont pop
/BoxFont findfont 20 scalefont setfont 72 600 moveto (AAA) show`;
  return ghostscript(
    dir,
    name,
    `%!PS
${A4_PS}
${BOXES_PS}
/NimbusSans-Regular findfont 20 scalefont setfont
72 700 moveto (Embedded sans) show
${opts.type3 ? type3 : ''}
showpage
`,
  );
}

/** Owner password only (opens without one) or a user password too (cannot be opened). */
export function encryptedPdf(dir: string, name: string, opts: { userPassword?: string; allowPrint: boolean }): Promise<string> {
  // -3904 denies everything optional; +4 is bit 3, "print" (ISO 32000-1 Table 22).
  const permissions = opts.allowPrint ? -3900 : -3904;
  return ghostscript(dir, name, `%!PS\n${A4_PS}\n${BOXES_PS}\n/NimbusSans-Regular findfont 20 scalefont setfont 72 700 moveto (Protected) show showpage\n`, [
    '-sOwnerPassword=owner-secret',
    ...(opts.userPassword ? [`-sUserPassword=${opts.userPassword}`] : []),
    `-dPermissions=${permissions}`,
    '-dEncryptionR=3',
    '-dKeyLength=128',
  ]);
}

/** Many A4 pages, each with a line of text: the "2000-page catalogue". */
export function manyPagesPdf(dir: string, name: string, pages: number): Promise<string> {
  return ghostscript(
    dir,
    name,
    `%!PS
${A4_PS}
/NimbusSans-Regular findfont 14 scalefont setfont
1 1 ${pages} { ${BOXES_PS} 72 700 moveto (Catalogue page ) show 10 string cvs show showpage } for
`,
  );
}

/** Text in a known place for the text layer: "Hello preflight" at (72, 700) pt on A4. */
export function textPdf(dir: string, name: string): Promise<string> {
  return ghostscript(dir, name, `%!PS\n${A4_PS}\n/NimbusSans-Regular findfont 24 scalefont setfont 72 700 moveto (Hello preflight) show\n72 650 moveto (Second line) show showpage\n/NimbusSans-Regular findfont 24 scalefont setfont 72 700 moveto (Page two) show showpage\n`);
}

export async function truncatedCopy(source: string, dir: string, name: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(source);
  const path = join(dir, name);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  return path;
}

export async function garbagePdf(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  const noise = Buffer.alloc(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  await writeFile(path, Buffer.concat([Buffer.from('%PDF-1.7\n'), noise, Buffer.from('\n%%EOF\n')]));
  return path;
}

export async function notAPdf(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, 'This is a text file that someone renamed to .pdf\n'.repeat(20));
  return path;
}

/**
 * An image inside a form XObject (an "embedded page") placed at half size and rotated 90°:
 * the effective resolution must follow the CTM through the form's matrix.
 */
export async function nestedFormPdf(dir: string, name: string): Promise<string> {
  const inner = await PDFDocument.create();
  const innerPage = inner.addPage(A4);
  const img = await inner.embedJpg(await jpeg('cmyk', [1200, 800]));
  innerPage.drawImage(img, { x: 0, y: 0, width: 4 * 72, height: (4 * 72 * 800) / 1200 });
  const doc = await PDFDocument.create();
  const page = addTrimmedPage(doc, A4, 3);
  const [embedded] = await doc.embedPdf(await inner.save());
  page.drawPage(embedded!, { x: 400, y: 100, xScale: 0.5, yScale: 0.5, rotate: degrees(90) });
  return save(doc, dir, name);
}

/** A small image written inline (BI … ID … EI) by ghostscript, 8×8 px over 2 in. */
export function inlineImagePdf(dir: string, name: string): Promise<string> {
  const hex = '00ff00ff00'.repeat(8 * 8 * 3 / 5 + 1).slice(0, 8 * 8 * 3 * 2);
  return ghostscript(dir, name, `%!PS\n${A4_PS}\n${BOXES_PS}\ngsave 72 400 translate 144 144 scale\n8 8 8 [8 0 0 -8 0 8] {<${hex}>} false 3 colorimage\ngrestore showpage\n`);
}

/**
 * A PDF from another writer (Chromium's Skia): CID TrueType fonts, an ICC-based image, object
 * streams. Chromium is installed by .ci/run (it also serves the report screenshots).
 */
export async function chromiumPdf(dir: string, name: string): Promise<string> {
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 20, g: 120, b: 200 } } }).png().toBuffer();
  const html = join(dir, `${name}.html`);
  await writeFile(
    html,
    `<!doctype html><html><body style="font-family:'DejaVu Serif'"><h1>Preflight — Ünïcode</h1><p style="color:rgb(200,0,0)">Body text in red</p>` +
      `<img src="data:image/png;base64,${png.toString('base64')}" style="width:150px;height:100px"></body></html>`,
  );
  const out = join(dir, name);
  await run(process.env.CHROMIUM_PATH ?? 'chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', `--print-to-pdf=${out}`, html], { timeout: 60_000 });
  return out;
}

/** Many A4 pages, each with its own 96×96 RGB image of random pixels (nothing shared or compressible). */
export function manyImagePagesPdf(dir: string, name: string, pages: number): Promise<string> {
  return ghostscript(
    dir,
    name,
    `%!PS
${A4_PS}
/px 96 96 mul 3 mul string def
1 1 ${pages} { pop ${BOXES_PS} 0 1 px length 1 sub { px exch rand 256 mod put } for
  gsave 72 300 translate 200 200 scale 96 96 8 [96 0 0 -96 0 96] {px} false 3 colorimage grestore showpage } for
`,
  );
}

/**
 * A page whose content stream is a Flate "bomb": `inflatedMb` MB of spaces and one image
 * draw, deflated to a few hundred KB. Deflated in 1 MB chunks so the test never holds it whole.
 */
export async function flateBombPdf(dir: string, name: string, inflatedMb: number): Promise<string> {
  const { createDeflate } = await import('node:zlib');
  const deflate = createDeflate({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < inflatedMb; i++) if (!deflate.write(spaces)) await new Promise((r) => deflate.once('drain', r));
  deflate.end(Buffer.from('\n0 0 0 1 k 0 0 100 100 re f\n'));
  await done;
  const doc = await PDFDocument.create();
  const page = doc.addPage(A4);
  const raw = doc.context.stream(Buffer.concat(chunks), { Filter: 'FlateDecode' });
  page.node.set(PDFName.of('Contents'), doc.context.register(raw));
  return save(doc, dir, name);
}

/** An A4 page whose content stream is `content`, deflated, optionally cut to a fraction of its bytes. */
export async function rawContentPdf(dir: string, name: string, content: string, opts: { keepFraction?: number } = {}): Promise<string> {
  const { deflateSync } = await import('node:zlib');
  const deflated = deflateSync(Buffer.from(content, 'latin1'));
  const kept = deflated.subarray(0, Math.floor(deflated.length * (opts.keepFraction ?? 1)));
  const doc = await PDFDocument.create();
  const page = doc.addPage(A4);
  page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.stream(kept, { Filter: 'FlateDecode' })));
  return save(doc, dir, name);
}

/** A PDF/X-style file: an OutputIntent (GTS_PDFX, FOGRA39, a 4-component profile stream) and the Info claim. */
export async function outputIntentPdf(dir: string, name: string): Promise<string> {
  const doc = await PDFDocument.create();
  addTrimmedPage(doc, A4, 3);
  const ctx = doc.context;
  // Not a real ICC profile: the probe reads only the stream's /N, never the profile bytes.
  const profile = ctx.register(ctx.stream(new Uint8Array(128), { N: 4 }));
  const intent = ctx.obj({ Type: 'OutputIntent', S: 'GTS_PDFX', OutputConditionIdentifier: PDFString.of('FOGRA39'), RegistryName: PDFString.of('http://www.color.org'), DestOutputProfile: profile });
  doc.catalog.set(PDFName.of('OutputIntents'), ctx.obj([intent]));
  const info = ctx.lookup(ctx.trailerInfo.Info);
  if (info instanceof PDFDict) info.set(PDFName.of('GTS_PDFXVersion'), PDFString.of('PDF/X-1:2001'));
  return save(doc, dir, name);
}

/** What `qpdf --encrypt` writes with an empty user password ("owner" as the owner's). */
export type QpdfEncryption = 'rc4-40' | 'rc4-128' | 'aes-128' | 'aes-256-r5' | 'aes-256-r6';

/**
 * A copy of `source` encrypted by qpdf with an EMPTY user password, its objects packed into
 * (encrypted) object streams — the layout that defeats a reader without decryption.
 */
export async function qpdfEncrypted(source: string, dir: string, name: string, how: QpdfEncryption, opts: { emptyOwnerOnly?: boolean } = {}): Promise<string> {
  const path = join(dir, name);
  const args: Record<QpdfEncryption, string[]> = {
    'rc4-40': ['40', '--'],
    'rc4-128': ['128', '--use-aes=n', '--'],
    'aes-128': ['128', '--use-aes=y', '--'],
    'aes-256-r5': ['256', '--force-R5', '--'],
    'aes-256-r6': ['256', '--'],
  };
  // emptyOwnerOnly: a user password is set but the owner's is empty, so the file still opens
  // without one (poppler and qpdf try the empty password as the owner's; pdf.js does not).
  const passwords = opts.emptyOwnerOnly ? ['secret', ''] : ['', 'owner'];
  const insecure = opts.emptyOwnerOnly ? ['--allow-insecure'] : [];
  const [bits, ...rest] = args[how];
  await run('qpdf', ['--allow-weak-crypto', '--object-streams=generate', '--encrypt', ...passwords, bits!, ...insecure, ...rest, source, path]);
  return path;
}

/**
 * Two stamp annotations on an empty A4 page, each an appearance stream (BBox 0 0 100 50) that
 * draws a 100×50 px image over its box and fills a rectangle: one printable (flag Print),
 * Rect 200×100 pt, so the RGB image prints at 36 ppi, with a CMYK fill; one Print+Hidden
 * with a gray fill.
 */
export async function annotatedPdf(dir: string, name: string): Promise<string> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(A4);
  const jpg = await sharp({ create: { width: 100, height: 50, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer();
  const image = await doc.embedJpg(jpg);
  const ctx = doc.context;
  const stamp = (fill: string, rect: number[], flags: number) => {
    const ap = ctx.register(
      ctx.stream(`q 100 0 0 50 0 0 cm /Im1 Do Q ${fill} 10 10 20 20 re f`, {
        Type: 'XObject',
        Subtype: 'Form',
        BBox: [0, 0, 100, 50],
        Resources: { XObject: { Im1: image.ref } },
      }),
    );
    return ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'Stamp', Rect: rect, F: flags, AP: { N: ap } }));
  };
  page.node.set(PDFName.of('Annots'), ctx.obj([stamp('0 0 0 1 k', [100, 100, 300, 200], 4), stamp('0.5 g', [100, 400, 150, 425], 4 | 2)]));
  return save(doc, dir, name);
}
