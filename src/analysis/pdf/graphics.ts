/**
 * The graphics state the print checks need, followed in the same content walk as images and
 * colours (./content.ts calls `GraphicsReader.op` for every operator): line widths after the
 * CTM (`pdf.hairlines`), the fill/stroke colour and the overprint flags OP/op/OPM from
 * ExtGState (`pdf.overprint`), and every use of transparency — opacity, blend modes, soft
 * masks, transparency groups (`pdf.pdfx`, PDF/X-1a).
 *
 * Why not pdf.js's operator list: it converts every colour to RGB (white CMYK and 100 % K are
 * lost) and ignores OP/op/OPM in `gs` (pdf.js 4–5 log them as unsupported), so it cannot tell
 * what overprints. Pure: names are resolved by the caller's `GraphicsHost`.
 */
import { deviceColorSpace, multiply, type ColorUse, type ContentObserver, type Matrix } from './content.js';
import type { Operand } from './lexer.js';
import type { GraphicsFindings, OverprintUse, PdfRect, StrokeUse, TransparencyUse } from './types.js';

/** The ExtGState entries read here (ISO 32000-1 Table 58). */
export interface ExtGStateInfo {
  LW?: number;
  OP?: boolean;
  op?: boolean;
  OPM?: number;
  CA?: number;
  ca?: number;
  BM?: string;
  /** A soft mask dictionary (not /None). */
  SMask?: boolean;
}

export interface GraphicsHost<Res> {
  extGState(resources: Res, name: string): ExtGStateInfo | undefined;
  colorSpace(resources: Res, name: string): ColorUse | undefined;
  /** `Do name`: why the XObject is transparent (an image's SMask, a form's transparency group), if it is. */
  xobjectTransparency(resources: Res, name: string): string | undefined;
}

/** Strokes at least this wide are not recorded: no hairline limit is set that high. */
export const RECORD_STROKES_BELOW_PT = 2;
/** Bound on distinct groups per page (a hostile file could vary widths endlessly). */
const MAX_GROUPS = 500;

interface Colour {
  use: ColorUse;
  comps: number[];
}

interface State {
  lw: number;
  fill: Colour;
  stroke: Colour;
  OP: boolean;
  op: boolean;
  OPM: number;
  Tr: number;
  fontSize: number;
  TL: number;
}

const GRAY: Colour = { use: { family: 'DeviceGray', model: 'gray' }, comps: [0] };

export class GraphicsReader<Res> implements ContentObserver<Res> {
  private state: State = { lw: 1, fill: GRAY, stroke: GRAY, OP: false, op: false, OPM: 0, Tr: 0, fontSize: 0, TL: 0 };
  private readonly stack: State[] = [];
  private path: PdfRect | undefined;
  private tlm: Matrix = [1, 0, 0, 1, 0, 0];
  private readonly strokes = new Map<string, StrokeUse>();
  private readonly paints = new Map<string, OverprintUse>();
  private readonly transparency = new Map<string, TransparencyUse>();

  constructor(
    private readonly host: GraphicsHost<Res>,
    private readonly page: number,
    private readonly userUnit = 1,
  ) {}

  findings(): GraphicsFindings {
    return { strokes: [...this.strokes.values()], overprint: [...this.paints.values()], transparency: [...this.transparency.values()] };
  }

  /** Transparency found outside the content (the page's own /Group). */
  noteTransparency(what: string): void {
    this.bump(this.transparency, what, () => ({ page: this.page, what, count: 0 }));
  }

  op(op: string, operands: readonly Operand[], ctm: Matrix, resources: Res): void {
    const s = this.state;
    switch (op) {
      case 'q':
        this.stack.push({ ...s });
        return;
      case 'Q':
        this.state = this.stack.pop() ?? s;
        return;
      case 'w': {
        const [w] = nums(operands, 1) ?? [];
        if (w !== undefined) s.lw = Math.abs(w);
        return;
      }
      case 'gs': {
        const name = lastName(operands);
        const g = name === undefined ? undefined : this.host.extGState(resources, name);
        if (g) this.applyGState(g);
        return;
      }
      case 'g':
      case 'G':
      case 'rg':
      case 'RG':
      case 'k':
      case 'K': {
        const lower = op.toLowerCase();
        const comps = nums(operands, lower === 'g' ? 1 : lower === 'rg' ? 3 : 4);
        const use = deviceColorSpace(lower === 'g' ? 'DeviceGray' : lower === 'rg' ? 'DeviceRGB' : 'DeviceCMYK');
        if (comps && use) this.setColour(op === lower, { use, comps });
        return;
      }
      case 'cs':
      case 'CS': {
        const name = lastName(operands);
        const use = name === undefined ? undefined : (deviceColorSpace(name) ?? this.host.colorSpace(resources, name));
        if (use) this.setColour(op === 'cs', { use, comps: initialComps(use) });
        return;
      }
      case 'sc':
      case 'scn':
      case 'SC':
      case 'SCN': {
        const comps = operands.filter((o) => o.t === 'num').map((o) => (o as { v: number }).v);
        const fill = op === 'sc' || op === 'scn';
        if (comps.length > 0) this.setColour(fill, { use: (fill ? s.fill : s.stroke).use, comps });
        return;
      }
      case 'm':
      case 'l':
        this.addPoints(operands, 2, ctm);
        return;
      case 'c':
        this.addPoints(operands, 6, ctm);
        return;
      case 'v':
      case 'y':
        this.addPoints(operands, 4, ctm);
        return;
      case 're': {
        const r = nums(operands, 4);
        if (r) {
          const [x, y, w, h] = r as [number, number, number, number];
          for (const [px, py] of [[x, y], [x + w, y + h], [x + w, y], [x, y + h]] as const) this.addPoint(px, py, ctm);
        }
        return;
      }
      case 'S':
      case 's':
        this.paintPath(false, true, ctm);
        return;
      case 'f':
      case 'F':
      case 'f*':
        this.paintPath(true, false, ctm);
        return;
      case 'B':
      case 'B*':
      case 'b':
      case 'b*':
        this.paintPath(true, true, ctm);
        return;
      case 'n':
        this.path = undefined;
        return;
      case 'BT':
        this.tlm = [1, 0, 0, 1, 0, 0];
        return;
      case 'Tf': {
        const size = nums(operands, 1);
        if (size) s.fontSize = Math.abs(size[0]!);
        return;
      }
      case 'Tr': {
        const mode = nums(operands, 1);
        if (mode) s.Tr = mode[0]!;
        return;
      }
      case 'TL': {
        const tl = nums(operands, 1);
        if (tl) s.TL = tl[0]!;
        return;
      }
      case 'Tm': {
        const m = nums(operands, 6);
        if (m) this.tlm = m as Matrix;
        return;
      }
      case 'Td':
      case 'TD': {
        const t = nums(operands, 2);
        if (!t) return;
        if (op === 'TD') s.TL = -t[1]!;
        this.tlm = multiply([1, 0, 0, 1, t[0]!, t[1]!], this.tlm);
        return;
      }
      case 'T*':
        this.tlm = multiply([1, 0, 0, 1, 0, -s.TL], this.tlm);
        return;
      case "'":
      case '"':
        this.tlm = multiply([1, 0, 0, 1, 0, -s.TL], this.tlm);
        this.showText(ctm);
        return;
      case 'Tj':
      case 'TJ':
        this.showText(ctm);
        return;
      case 'Do': {
        const name = lastName(operands);
        const why = name === undefined ? undefined : this.host.xobjectTransparency(resources, name);
        if (why) this.noteTransparency(why);
        return;
      }
      default:
        return;
    }
  }

  private applyGState(g: ExtGStateInfo): void {
    const s = this.state;
    if (g.LW !== undefined) s.lw = Math.abs(g.LW);
    if (g.OP !== undefined) {
      s.OP = g.OP;
      // ISO 32000-1 Table 58: without op, OP sets both.
      if (g.op === undefined) s.op = g.OP;
    }
    if (g.op !== undefined) s.op = g.op;
    if (g.OPM !== undefined) s.OPM = g.OPM;
    if (g.CA !== undefined && g.CA < 1) this.noteTransparency(`stroke opacity (CA ${round(g.CA, 3)})`);
    if (g.ca !== undefined && g.ca < 1) this.noteTransparency(`fill opacity (ca ${round(g.ca, 3)})`);
    if (g.BM !== undefined && g.BM !== 'Normal' && g.BM !== 'Compatible') this.noteTransparency(`blend mode ${g.BM}`);
    if (g.SMask) this.noteTransparency('soft mask (SMask in ExtGState)');
  }

  private setColour(fill: boolean, c: Colour): void {
    if (fill) this.state.fill = c;
    else this.state.stroke = c;
  }

  private addPoints(operands: readonly Operand[], count: number, ctm: Matrix): void {
    const p = nums(operands, count);
    if (!p) return;
    for (let i = 0; i + 1 < p.length; i += 2) this.addPoint(p[i]!, p[i + 1]!, ctm);
  }

  private addPoint(x: number, y: number, ctm: Matrix): void {
    const px = (ctm[0] * x + ctm[2] * y + ctm[4]) * this.userUnit;
    const py = (ctm[1] * x + ctm[3] * y + ctm[5]) * this.userUnit;
    this.path = union(this.path, { x0: px, y0: py, x1: px, y1: py });
  }

  private paintPath(fill: boolean, stroke: boolean, ctm: Matrix): void {
    const s = this.state;
    const bounds = this.path;
    this.path = undefined;
    if (stroke) {
      const width = s.lw === 0 ? 0 : round(s.lw * minScale(ctm) * this.userUnit, 3);
      if (width < RECORD_STROKES_BELOW_PT) {
        // A stroke reaches half its width beyond the path on each side.
        const grown = bounds && { x0: bounds.x0 - width / 2, y0: bounds.y0 - width / 2, x1: bounds.x1 + width / 2, y1: bounds.y1 + width / 2 };
        const group = this.bump(this.strokes, `${width}`, (): StrokeUse => ({ page: this.page, width_pt: width, count: 0 }));
        if (group && grown) group.bounds = union(group.bounds, grown);
      }
      if (s.OP && isWhite(s.stroke)) this.notePaint('white_overprint', 'stroke', s.stroke, true, bounds);
    }
    if (fill && s.op && isWhite(s.fill)) this.notePaint('white_overprint', 'fill', s.fill, true, bounds);
  }

  private showText(ctm: Matrix): void {
    const s = this.state;
    const mode = s.Tr;
    if (mode === 3 || mode === 7) return; // invisible (clip only)
    const trm = multiply(this.tlm, ctm);
    const size = round(s.fontSize * Math.sqrt(Math.abs(trm[0] * trm[3] - trm[1] * trm[2])) * this.userUnit, 1);
    const x = trm[4] * this.userUnit;
    const y = trm[5] * this.userUnit;
    const bounds = { x0: x, y0: y - size * 0.25, x1: x + size, y1: y + size };
    const fills = mode === 0 || mode === 2 || mode === 4 || mode === 6;
    const strokes = mode === 1 || mode === 2 || mode === 5 || mode === 6;
    if (fills && s.op && isWhite(s.fill)) this.notePaint('white_overprint', 'text', s.fill, true, bounds);
    if (strokes && s.OP && isWhite(s.stroke)) this.notePaint('white_overprint', 'text', s.stroke, true, bounds);
    if (fills && isBlack(s.fill)) this.notePaint('black_text', 'text', s.fill, s.op, bounds, size);
  }

  private notePaint(kind: OverprintUse['kind'], paint: OverprintUse['paint'], c: Colour, overprint: boolean, bounds: PdfRect | undefined, textPt?: number): void {
    const colour = `${c.use.family}${c.use.inks ? ` ${c.use.inks.join('+')}` : ''} ${c.comps.map((v) => round(v, 3)).join(' ')}`;
    const key = `${kind}|${paint}|${colour}|${overprint}|${this.state.OPM}|${textPt ?? ''}`;
    const found = this.bump(this.paints, key, (): OverprintUse => ({
      page: this.page,
      kind,
      paint,
      colour,
      overprint,
      opm: this.state.OPM,
      ...(textPt !== undefined ? { text_pt: textPt } : {}),
      count: 0,
    }));
    if (found && bounds) found.bounds = union(found.bounds, bounds);
  }

  private bump<T extends { count: number }>(map: Map<string, T>, key: string, make: () => T): T | undefined {
    let found = map.get(key);
    if (!found) {
      if (map.size >= MAX_GROUPS) return undefined;
      found = make();
      map.set(key, found);
    }
    found.count++;
    return found;
  }
}

/** The colour a space starts with after `cs` (ISO 32000-1 §8.6.8: black, or tint 1). */
function initialComps(use: ColorUse): number[] {
  if (use.family === 'Separation') return [1];
  if (use.family === 'DeviceN') return (use.inks ?? ['?']).map(() => 1);
  if (use.model === 'cmyk') return [0, 0, 0, 1];
  if (use.model === 'rgb') return [0, 0, 0];
  return [0];
}

const EPS = 0.002;

/** No ink: CMYK 0 0 0 0, gray 1, RGB 1 1 1, a separation's tint 0. */
export function isWhite(c: Colour): boolean {
  const { use, comps } = c;
  if (use.family === 'Separation' || use.family === 'DeviceN') return comps.every((v) => v <= EPS);
  if (use.family === 'Indexed') return false;
  if (use.model === 'cmyk') return comps.length === 4 && comps.every((v) => v <= EPS);
  if (use.model === 'gray') return comps.length === 1 && comps[0]! >= 1 - EPS;
  if (use.model === 'rgb') return comps.length === 3 && comps.every((v) => v >= 1 - EPS);
  return false;
}

/** 100 % black ink only: CMYK 0 0 0 1, gray 0 (prints on the K plate), the Black separation at 100 %. */
export function isBlack(c: Colour): boolean {
  const { use, comps } = c;
  if (use.family === 'Separation') return use.inks?.[0] === 'Black' && comps[0]! >= 1 - 0.01;
  if (use.family === 'DeviceN' || use.family === 'Indexed') return false;
  if (use.model === 'cmyk') return comps.length === 4 && comps[0]! <= 0.01 && comps[1]! <= 0.01 && comps[2]! <= 0.01 && comps[3]! >= 0.99;
  if (use.model === 'gray') return comps.length === 1 && comps[0]! <= 0.01;
  return false;
}

/** The smaller singular value of the CTM's linear part: how thin a line can get under it. */
export function minScale(m: Matrix): number {
  const [a, b, c, d] = m;
  const s1 = a * a + b * b + c * c + d * d;
  const det = a * d - b * c;
  const disc = Math.sqrt(Math.max(0, s1 * s1 - 4 * det * det));
  return Math.sqrt(Math.max(0, (s1 - disc) / 2));
}

function union(a: PdfRect | undefined, b: PdfRect): PdfRect {
  return a ? { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) } : b;
}

function nums(operands: readonly Operand[], count: number): number[] | undefined {
  if (operands.length < count) return undefined;
  const slice = operands.slice(-count);
  return slice.every((o) => o.t === 'num') ? slice.map((o) => (o as { v: number }).v) : undefined;
}

function lastName(operands: readonly Operand[]): string | undefined {
  const last = operands[operands.length - 1];
  return last?.t === 'name' ? last.v : undefined;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
