/**
 * Where something is on the page for the report: a rectangle in default user space (pt) as
 * fractions of the CropBox (what the page renders show), origin top-left, clipped to it.
 * None on rotated pages (the renders are rotated) or when nothing of it is visible.
 */
import type { PdfPageBoxes, PdfRect } from './types.js';

export function boxOnPage(r: PdfRect | undefined, page: PdfPageBoxes | undefined): { x: number; y: number; w: number; h: number } | undefined {
  if (!r || !page || page.rotate !== 0) return undefined;
  const crop = page.crop;
  const cw = crop.x1 - crop.x0;
  const ch = crop.y1 - crop.y0;
  if (cw <= 0 || ch <= 0) return undefined;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const left = clamp((r.x0 - crop.x0) / cw);
  const right = clamp((r.x1 - crop.x0) / cw);
  const top = clamp((crop.y1 - r.y1) / ch);
  const bottom = clamp((crop.y1 - r.y0) / ch);
  if (right < left || bottom < top || (right === left && bottom === top)) return undefined;
  const r4 = (v: number) => Math.round(v * 10000) / 10000;
  return { x: r4(left), y: r4(top), w: r4(right - left), h: r4(bottom - top) };
}
