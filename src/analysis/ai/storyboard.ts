/**
 * A video becomes one picture for the model: its scene keyframes tiled in reading order,
 * each stamped with its timecode, so one request shows the whole spot and the model can
 * answer with timecodes.
 */
import { loadSharp } from '../sharp.js';

export interface Keyframe {
  image: Buffer;
  time_s: number;
}

export interface StoryboardOptions {
  /** Width of the whole storyboard in pixels (the model's image budget). */
  width: number;
  columns?: number;
}

/** mm:ss.s, as the model reads a keyframe's time (the report's own m:ss.cc is report/units.ts' timecode). */
export function storyboardTimecode(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${String(m).padStart(2, '0')}:${s.toFixed(1).padStart(4, '0')}`;
}

export async function composeStoryboard(frames: readonly Keyframe[], opts: StoryboardOptions): Promise<{ jpeg: Buffer; width: number; height: number }> {
  if (frames.length === 0) throw new Error('a storyboard needs at least one keyframe');
  const columns = opts.columns ?? Math.min(frames.length, frames.length <= 4 ? 2 : 3);
  const rows = Math.ceil(frames.length / columns);
  const gap = 6;
  const tileW = Math.floor((opts.width - gap * (columns + 1)) / columns);
  const sharp = await loadSharp();
  const first = await sharp(frames[0]!.image).metadata();
  const tileH = Math.round(tileW * ((first.height ?? 9) / (first.width ?? 16)));
  const label = Math.max(14, Math.round(tileH / 9));
  const width = gap + columns * (tileW + gap);
  const height = gap + rows * (tileH + gap);
  const tiles = await Promise.all(
    frames.map(async (f, i) => {
      const stamp = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${tileW}" height="${tileH}"><rect x="0" y="0" width="${label * 5}" height="${Math.round(label * 1.5)}" fill="#000" fill-opacity="0.7"/>` +
          `<text x="${label * 0.3}" y="${label * 1.1}" font-family="DejaVu Sans Mono, monospace" font-size="${label}" fill="#fff">${storyboardTimecode(f.time_s)}</text></svg>`,
      );
      const input = await sharp(f.image).resize(tileW, tileH, { fit: 'contain', background: '#000' }).composite([{ input: stamp, top: 0, left: 0 }]).png().toBuffer();
      return { input, left: gap + (i % columns) * (tileW + gap), top: gap + Math.floor(i / columns) * (tileH + gap) };
    }),
  );
  const jpeg = await sharp({ create: { width, height, channels: 3, background: '#202020' } }).composite(tiles).jpeg({ quality: 80 }).toBuffer();
  return { jpeg, width, height };
}
