/**
 * Small typed readers over pdf-lib objects: each resolves a reference and returns the value
 * only when it is of the expected type (a damaged file yields `undefined`, never a throw).
 */
import type { PDFContext, PDFObject } from 'pdf-lib';
import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import type { Matrix } from './content.js';

export function asDict(ctx: PDFContext, value: PDFObject | undefined): PDFDict | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFDict ? obj : undefined;
}

export function numberOf(ctx: PDFContext, value: PDFObject | undefined): number | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFNumber ? obj.asNumber() : undefined;
}

export function nameOf(ctx: PDFContext, value: PDFObject | undefined): string | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

export function boolOf(ctx: PDFContext, value: PDFObject | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  return obj instanceof PDFBool ? obj.asBoolean() : undefined;
}

export function textOf(ctx: PDFContext, value: PDFObject | undefined): string | undefined {
  if (value === undefined) return undefined;
  const obj = ctx.lookup(value);
  if (obj instanceof PDFString || obj instanceof PDFHexString) return obj.decodeText();
  if (obj instanceof PDFName) return obj.decodeText();
  return undefined;
}

export function matrixOf(ctx: PDFContext, value: PDFObject | undefined): Matrix {
  const arr = value === undefined ? undefined : ctx.lookup(value);
  if (arr instanceof PDFArray && arr.size() === 6) {
    const n = arr.asArray().map((v) => numberOf(ctx, v));
    if (n.every((v) => v !== undefined)) return n as Matrix;
  }
  return [1, 0, 0, 1, 0, 0];
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
