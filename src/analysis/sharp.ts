/**
 * sharp (libvips) on first use. Loading it costs ~70 ms (the native binding, libvips and its
 * JavaScript, semver among it); a video or PDF run needs it only after ffmpeg or pdf.js has
 * worked, so such a run no longer pays it before its first ffprobe — the A/V probe starts the
 * load in the background while the decode pass runs (`loadSharp()` without awaiting).
 *
 * libvips' operation cache is switched off here, once: it keeps decoded pixels for reuse by
 * later operations on the same input, and a QC run reads each image once, so the cache only
 * adds its size to peak memory.
 */
import type SharpModule from 'sharp';

export type Sharp = typeof SharpModule;

let loading: Promise<Sharp> | undefined;

export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loading;
}
