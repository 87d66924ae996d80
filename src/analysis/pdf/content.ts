/**
 * A PDF content-stream reader: just enough of ISO 32000-1 §7.8 / §8 to know where images are
 * placed (the current transformation matrix at each `Do`/inline image), which colour spaces
 * are set (`cs`/`CS`, `rg`/`k`/`g`…, shadings) and which fonts are selected (`Tf`).
 *
 * Pure: it reads bytes and asks its caller (`ContentHost`) to resolve resource names, so it
 * knows nothing about the PDF library underneath and is tested on hand-written streams.
 */
import { Lexer, type Operand } from './lexer.js';

export type Matrix = [number, number, number, number, number, number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m × n in PDF's row-vector convention: apply m first, then n. */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

export type { Operand } from './lexer.js';

/** What the caller resolves for the reader; each name is looked up in the current resources. */
export interface ContentHost<Res> {
  /** `Do name`: an image (with its pixel size and colour space) or a form to descend into. */
  xobject(resources: Res, name: string): XObjectInfo<Res> | undefined;
  /** `cs name` / `CS name` for a non-device name, and `sh name`'s colour space. */
  colorSpace(resources: Res, name: string): ColorUse | undefined;
  shading(resources: Res, name: string): ColorUse | undefined;
  /** `Tf name`: the font's identity (for de-duplication) and display name. */
  font(resources: Res, name: string): { key: string; name: string } | undefined;
  /** Inline images name colour spaces in the page's ColorSpace resources too. */
  inlineColorSpace(resources: Res, value: Operand): ColorUse | undefined;
}

export type XObjectInfo<Res> =
  | { kind: 'image'; key: string; width: number; height: number; bpc: number; mask: boolean; color?: ColorUse }
  | { kind: 'form'; key: string; matrix: Matrix; resources: Res; content: () => Uint8Array | undefined };

/** A colour space, classified for print: the family as written and the ink model it means. */
export interface ColorUse {
  /** As in the file: DeviceRGB, ICCBased, Separation, DeviceN, Lab, CalRGB, Indexed… */
  family: string;
  /** What it prints as: rgb, cmyk, gray, lab, spot; `pattern` and `unknown` are not judged. */
  model: 'rgb' | 'cmyk' | 'gray' | 'lab' | 'spot' | 'pattern' | 'unknown';
  /** Spot ink names for Separation/DeviceN. */
  inks?: string[];
  /** Indexed / ICCBased: what the family is built on, for messages ("Indexed DeviceRGB"). */
  base?: string;
}

export const DEVICE_RGB: ColorUse = { family: 'DeviceRGB', model: 'rgb' };
export const DEVICE_CMYK: ColorUse = { family: 'DeviceCMYK', model: 'cmyk' };
export const DEVICE_GRAY: ColorUse = { family: 'DeviceGray', model: 'gray' };

export function deviceColorSpace(name: string): ColorUse | undefined {
  switch (name) {
    case 'DeviceRGB':
    case 'RGB':
      return DEVICE_RGB;
    case 'DeviceCMYK':
    case 'CMYK':
      return DEVICE_CMYK;
    case 'DeviceGray':
    case 'G':
      return DEVICE_GRAY;
    case 'Pattern':
      return { family: 'Pattern', model: 'pattern' };
    default:
      return undefined;
  }
}

export interface PlacedImage {
  key: string;
  inline: boolean;
  /** A stencil mask (ImageMask): one bit of shape painted in the fill colour. */
  mask: boolean;
  width: number;
  height: number;
  bpc: number;
  color?: ColorUse;
  /** The CTM when drawn: the unit square maps onto the page through it. */
  ctm: Matrix;
}

export interface ContentFindings {
  images: PlacedImage[];
  colors: Array<{ use: ColorUse; op: string }>;
  fonts: Array<{ key: string; name: string }>;
  /** Set when a limit stopped the walk early; the message says which. */
  truncated?: string;
}

export interface ContentLimits {
  /** Operators read across the page, forms included. */
  maxOperators: number;
  /** Nesting of forms inside forms. */
  maxFormDepth: number;
}

/**
 * Sees every operator with its operands, the CTM before it and the resources names resolve
 * in; a form's `Do` is bracketed by a `q`/`Q` (the graphics state is saved around a form).
 * ./graphics.ts uses it for line widths, overprint and transparency, in the same walk.
 */
export interface ContentObserver<Res> {
  op(op: string, operands: readonly Operand[], ctm: Matrix, resources: Res): void;
}

export const DEFAULT_CONTENT_LIMITS: ContentLimits = { maxOperators: 2_000_000, maxFormDepth: 12 };

export function readContent<Res>(
  content: Uint8Array,
  resources: Res,
  host: ContentHost<Res>,
  limits: ContentLimits = DEFAULT_CONTENT_LIMITS,
  initialCtm: Matrix = IDENTITY,
  observer?: ContentObserver<Res>,
): ContentFindings {
  const findings: ContentFindings = { images: [], colors: [], fonts: [] };
  const budget = { operators: limits.maxOperators };
  walk(content, resources, host, initialCtm, findings, budget, limits, 0, new Set(), observer);
  return findings;
}

function walk<Res>(
  bytes: Uint8Array,
  resources: Res,
  host: ContentHost<Res>,
  startCtm: Matrix,
  out: ContentFindings,
  budget: { operators: number },
  limits: ContentLimits,
  depth: number,
  activeForms: Set<string>,
  observer: ContentObserver<Res> | undefined,
): void {
  const lexer = new Lexer(bytes);
  const stack: Matrix[] = [];
  let ctm = startCtm;
  let operands: Operand[] = [];
  for (;;) {
    const token = lexer.next();
    if (token === undefined) return;
    if (token.kind === 'operand') {
      operands.push(token.value);
      continue;
    }
    if (--budget.operators < 0) {
      out.truncated ??= `stopped after ${limits.maxOperators.toLocaleString('en')} drawing operators`;
      return;
    }
    const op = token.op;
    observer?.op(op, operands, ctm, resources);
    switch (op) {
      case 'q':
        stack.push(ctm);
        break;
      case 'Q':
        ctm = stack.pop() ?? startCtm;
        break;
      case 'cm': {
        const m = numbers(operands, 6);
        if (m) ctm = multiply(m as Matrix, ctm);
        break;
      }
      case 'rg':
      case 'RG':
        out.colors.push({ use: DEVICE_RGB, op });
        break;
      case 'k':
      case 'K':
        out.colors.push({ use: DEVICE_CMYK, op });
        break;
      case 'g':
      case 'G':
        out.colors.push({ use: DEVICE_GRAY, op });
        break;
      case 'cs':
      case 'CS': {
        const name = lastName(operands);
        if (name === undefined) break;
        const use = deviceColorSpace(name) ?? host.colorSpace(resources, name);
        if (use) out.colors.push({ use, op });
        break;
      }
      case 'sh': {
        const name = lastName(operands);
        const use = name === undefined ? undefined : host.shading(resources, name);
        if (use) out.colors.push({ use, op });
        break;
      }
      case 'Tf': {
        const first = operands[0];
        const name = operands.length >= 2 && first?.t === 'name' ? first.v : undefined;
        const font = name === undefined ? undefined : host.font(resources, name);
        if (font) out.fonts.push(font);
        break;
      }
      case 'Do': {
        const name = lastName(operands);
        const xo = name === undefined ? undefined : host.xobject(resources, name);
        if (!xo) break;
        if (xo.kind === 'image') {
          out.images.push({ key: xo.key, inline: false, mask: xo.mask, width: xo.width, height: xo.height, bpc: xo.bpc, ...(xo.color ? { color: xo.color } : {}), ctm });
          if (xo.color) out.colors.push({ use: xo.color, op: 'Do' });
        } else if (depth < limits.maxFormDepth && !activeForms.has(xo.key)) {
          const inner = xo.content();
          if (inner) {
            activeForms.add(xo.key);
            observer?.op('q', [], ctm, resources);
            walk(inner, xo.resources, host, multiply(xo.matrix, ctm), out, budget, limits, depth + 1, activeForms, observer);
            observer?.op('Q', [], ctm, resources);
            activeForms.delete(xo.key);
          }
        }
        break;
      }
      case 'BI': {
        const image = lexer.inlineImage();
        if (image) {
          const num = (...keys: string[]) => {
            for (const k of keys) {
              const v = image.get(k);
              if (v?.t === 'num') return v.v;
            }
            return undefined;
          };
          const csValue = image.get('CS') ?? image.get('ColorSpace');
          const maskValue = image.get('IM') ?? image.get('ImageMask');
          const mask = maskValue?.t === 'bool' && maskValue.v;
          const color = mask || !csValue ? undefined : host.inlineColorSpace(resources, csValue);
          out.images.push({
            key: `inline:${out.images.length}`,
            inline: true,
            mask,
            width: num('W', 'Width') ?? 0,
            height: num('H', 'Height') ?? 0,
            bpc: mask ? 1 : (num('BPC', 'BitsPerComponent') ?? 8),
            ...(color ? { color } : {}),
            ctm,
          });
          if (color) out.colors.push({ use: color, op: 'BI' });
        }
        break;
      }
      default:
        break;
    }
    operands = [];
  }
}

function numbers(operands: Operand[], count: number): number[] | undefined {
  if (operands.length < count) return undefined;
  const slice = operands.slice(-count);
  return slice.every((o) => o.t === 'num') ? slice.map((o) => (o as { v: number }).v) : undefined;
}

function lastName(operands: Operand[]): string | undefined {
  const last = operands[operands.length - 1];
  return last?.t === 'name' ? last.v : undefined;
}

