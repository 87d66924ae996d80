/**
 * Black bars from cropdetect's active area (depth.ts): how much of each edge is black in every
 * frame, and the shape of the picture inside. Pure.
 */
import type { CropResult } from './depth.js';
import { round3 } from './segments.js';

export interface Bars {
  /** Each edge's bar as a share of the frame's height (top, bottom) or width (left, right). */
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** What a viewer sees: letterbox (top and bottom), pillarbox (sides), windowbox (both), none. */
  shape: 'none' | 'letterbox' | 'pillarbox' | 'windowbox';
  /** The active picture's aspect ratio (the analysed copy has the display aspect, square pixels). */
  active_aspect: number;
  /** The active picture as fractions of the frame, for the report. */
  box: { x: number; y: number; w: number; h: number };
}


/** Pure: the active area → bars; edges under `minBar` of the frame are not bars (scaling edges, noise). */
export function barsOf(crop: CropResult, minBar: number): Bars {
  const { width, height } = crop;
  const raw = { top: crop.y / height, bottom: (height - crop.y - crop.h) / height, left: crop.x / width, right: (width - crop.x - crop.w) / width };
  const clean = (v: number) => (v >= minBar ? round3(v) : 0);
  const top = clean(raw.top);
  const bottom = clean(raw.bottom);
  const left = clean(raw.left);
  const right = clean(raw.right);
  const vertical = top > 0 || bottom > 0;
  const horizontal = left > 0 || right > 0;
  const shape = vertical && horizontal ? 'windowbox' : vertical ? 'letterbox' : horizontal ? 'pillarbox' : 'none';
  // The active area without the edges that were too thin to count as bars.
  const x = left * width;
  const y = top * height;
  const w = width - x - right * width;
  const h = height - y - bottom * height;
  return { top, bottom, left, right, shape, active_aspect: round3(w / h), box: { x: round3(x / width), y: round3(y / height), w: round3(w / width), h: round3(h / height) } };
}
