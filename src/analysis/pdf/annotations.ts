/**
 * Printable annotations: stamps, ink, filled form fields and the like print through their
 * normal appearance stream (/AP /N), a form XObject placed in the annotation's /Rect
 * (ISO 32000-1 §12.5.5). They carry images, fonts and colour like page content, so the
 * structure read walks them too. Only annotations that print: flag Print set, Hidden clear.
 */
import type { PDFContext, PDFPage } from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFStream } from 'pdf-lib';
import { multiply, type Matrix } from './content.js';
import { asDict, matrixOf, nameOf, numberOf } from './objects.js';
import { streamBytes, type Decoded } from './streams.js';

/** Annotation flags (ISO 32000-1 Table 165). */
const HIDDEN = 1 << 1;
const PRINT = 1 << 2;

export interface PrintedAppearance {
  /** What the annotation is, for notes: "Stamp", "Widget". */
  subtype: string;
  content: Decoded;
  resources: PDFDict | undefined;
  /** Maps the appearance stream's space to the page (its /Matrix, then into /Rect). */
  ctm: Matrix;
}

export function printedAppearances(ctx: PDFContext, page: PDFPage): PrintedAppearance[] {
  const annots = ctx.lookup(page.node.get(PDFName.of('Annots')));
  if (!(annots instanceof PDFArray)) return [];
  const out: PrintedAppearance[] = [];
  for (const item of annots.asArray()) {
    const annot = asDict(ctx, item);
    if (!annot) continue;
    const flags = numberOf(ctx, annot.get(PDFName.of('F'))) ?? 0;
    if ((flags & PRINT) === 0 || (flags & HIDDEN) !== 0) continue;
    const stream = normalAppearance(ctx, annot);
    const rect = rectOf(ctx, annot);
    if (!stream || !rect) continue;
    const matrix = matrixOf(ctx, stream.dict.get(PDFName.of('Matrix')));
    const bbox = rectOf(ctx, stream.dict, 'BBox');
    if (!bbox) continue;
    // Algorithm 8.1: the BBox, transformed by /Matrix, is fitted to /Rect.
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [x, y] of [[bbox[0], bbox[1]], [bbox[2], bbox[1]], [bbox[0], bbox[3]], [bbox[2], bbox[3]]] as const) {
      xs.push(matrix[0] * x + matrix[2] * y + matrix[4]);
      ys.push(matrix[1] * x + matrix[3] * y + matrix[5]);
    }
    const [bx0, bx1, by0, by1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    if (bx1 - bx0 <= 0 || by1 - by0 <= 0) continue;
    const sx = (rect[2] - rect[0]) / (bx1 - bx0);
    const sy = (rect[3] - rect[1]) / (by1 - by0);
    const fit: Matrix = [sx, 0, 0, sy, rect[0] - bx0 * sx, rect[1] - by0 * sy];
    out.push({
      subtype: nameOf(ctx, annot.get(PDFName.of('Subtype'))) ?? 'annotation',
      content: streamBytes(ctx, stream),
      resources: asDict(ctx, stream.dict.get(PDFName.of('Resources'))),
      ctm: multiply(matrix, fit),
    });
  }
  return out;
}

/** /AP /N: a stream, or a dictionary of states picked by /AS (a checkbox's "Yes"/"Off"). */
function normalAppearance(ctx: PDFContext, annot: PDFDict): PDFStream | undefined {
  const n = ctx.lookup(asDict(ctx, annot.get(PDFName.of('AP')))?.get(PDFName.of('N')));
  if (n instanceof PDFStream) return n;
  if (!(n instanceof PDFDict)) return undefined;
  const state = nameOf(ctx, annot.get(PDFName.of('AS')));
  const chosen = state ? ctx.lookup(n.get(PDFName.of(state))) : undefined;
  return chosen instanceof PDFStream ? chosen : undefined;
}

function rectOf(ctx: PDFContext, dict: PDFDict, key = 'Rect'): [number, number, number, number] | undefined {
  const arr = ctx.lookup(dict.get(PDFName.of(key)));
  if (!(arr instanceof PDFArray) || arr.size() < 4) return undefined;
  const n = [0, 1, 2, 3].map((k) => numberOf(ctx, arr.get(k)));
  if (n.some((v) => v === undefined)) return undefined;
  const [a, b, c, d] = n as number[];
  return [Math.min(a!, c!), Math.min(b!, d!), Math.max(a!, c!), Math.max(b!, d!)];
}
