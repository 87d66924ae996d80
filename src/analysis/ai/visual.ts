/**
 * What the model is shown, by asset kind: an image downscaled to the model's budget; a
 * video as a storyboard of its scene keyframes (when the av family provides them); a PDF
 * as its rendered pages (when the PDF family provides them).
 */
import { loadSharp } from '../sharp.js';
import { imagePixels, imageProbe } from '../image.js';
import { pdfDocument, pdfProbe } from '../pdf/index.js';
import { renderPageJpeg } from '../pdf/document.js';
import { videoKeyframes } from '../text/keyframes.js';
import { NotApplicableError } from '../../qc/errors.js';
import type { AnalysisContext, AssetKind } from '../../qc/types.js';
import { composeStoryboard, storyboardTimecode, type Keyframe } from './storyboard.js';

export interface ModelImage {
  data: Buffer;
  mediaType: 'image/jpeg';
  /** What this picture is, told to the model (e.g. "storyboard of 6 keyframes"). */
  caption: string;
  width: number;
  height: number;
}

export type VisualSource = (ctx: AnalysisContext, maxPx: number) => Promise<ModelImage[]>;

export async function downscaleForModel(input: Buffer | string, maxPx: number, caption: string): Promise<ModelImage> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(input, { limitInputPixels: false })
    .autoOrient()
    .resize(maxPx, maxPx, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
  return { data, mediaType: 'image/jpeg', caption, width: info.width, height: info.height };
}

export const imageVisual: VisualSource = async (ctx, maxPx) => {
  const { details } = await ctx.get(imageProbe);
  // The pixels the probe read: for a JPEG 2000, the PNG FFmpeg decoded (sharp cannot read JP2).
  return [await downscaleForModel(await ctx.get(imagePixels), maxPx, `the image, ${details.width}×${details.height} px, shown downscaled`)];
};

/** Video through the av family's keyframes: `keyframes` returns them for the asset. */
export function createVideoVisual(keyframes: (ctx: AnalysisContext) => Promise<Keyframe[]>): VisualSource {
  return async (ctx, maxPx) => {
    const frames = await keyframes(ctx);
    if (frames.length === 0) throw new NotApplicableError('the video has no keyframes to show the model');
    const board = await composeStoryboard(frames, { width: maxPx });
    const times = frames.map((f) => storyboardTimecode(f.time_s)).join(', ');
    return [{ data: board.jpeg, mediaType: 'image/jpeg', caption: `a storyboard of ${frames.length} scene keyframes of the video, left to right, top to bottom, each stamped with its time (${times})`, width: board.width, height: board.height }];
  };
}

/** The model is shown at most this many pages of a PDF (each one image in the request). */
export const MAX_PDF_PAGES_SHOWN = 4;

export const pdfVisual: VisualSource = async (ctx, maxPx) => {
  await ctx.get(pdfProbe); // never render what the probe refused
  const doc = await ctx.get(pdfDocument);
  const count = Math.min(doc.numPages, MAX_PDF_PAGES_SHOWN);
  const pages: ModelImage[] = [];
  for (let n = 1; n <= count; n++) {
    const jpeg = await renderPageJpeg(doc, n, { maxSide: maxPx, maxPixels: ctx.env.maxPixels, signal: ctx.signal });
    const shown = `page ${n} of ${doc.numPages}${doc.numPages > count && n === count ? ` (only the first ${count} pages are shown)` : ''}`;
    pages.push(await downscaleForModel(jpeg, maxPx, shown));
  }
  return pages;
};

/** Visual sources by kind: the image; a PDF's first pages; a video's storyboard. */
export const VISUAL_SOURCES: Partial<Record<AssetKind, VisualSource>> = {
  image: imageVisual,
  pdf: pdfVisual,
  video: createVideoVisual((ctx) => ctx.get(videoKeyframes)),
};

export function visualSourceFor(kind: AssetKind, sources: Partial<Record<AssetKind, VisualSource>> = VISUAL_SOURCES): VisualSource {
  const source = sources[kind];
  if (!source) throw new NotApplicableError(`showing ${kind} files to the model is not supported by this installation yet`);
  return source;
}
