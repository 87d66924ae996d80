import sharp from 'sharp';
import { expect, test } from 'vitest';
import { composeStoryboard, storyboardTimecode } from '../../../src/analysis/ai/storyboard.js';

const frame = (r: number, g: number, b: number) => sharp({ create: { width: 320, height: 180, channels: 3, background: { r, g, b } } }).png().toBuffer();

test('keyframes are tiled in reading order at the frames’ aspect ratio, within the width budget', async () => {
  const colours: Array<[number, number, number]> = [[200, 0, 0], [0, 200, 0], [0, 0, 200], [200, 200, 0], [0, 200, 200]];
  const frames = await Promise.all(colours.map(async (c, i) => ({ image: await frame(...c), time_s: i * 2.5 })));
  const board = await composeStoryboard(frames, { width: 1024 });
  const meta = await sharp(board.jpeg).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', board.width, board.height]);
  expect(board.width).toBeLessThanOrEqual(1024);
  // 5 frames → 3 columns, 2 rows of 16:9 tiles.
  const tileW = Math.floor((1024 - 6 * 4) / 3);
  expect(board.height).toBe(6 + 2 * (Math.round((tileW * 9) / 16) + 6));
  // Sample the lower right of each tile (away from the timecode stamp): the frames' colours in order.
  const { data, info } = await sharp(board.jpeg).raw().toBuffer({ resolveWithObject: true });
  const tileH = Math.round((tileW * 9) / 16);
  colours.forEach(([r, g, b], i) => {
    const x = 6 + (i % 3) * (tileW + 6) + tileW - 20;
    const y = 6 + Math.floor(i / 3) * (tileH + 6) + tileH - 20;
    const at = (y * info.width + x) * info.channels;
    expect([data[at]!, data[at + 1]!, data[at + 2]!].map((v, k) => Math.abs(v - [r, g, b][k]!) < 30)).toEqual([true, true, true]);
  });
});

test('timecodes read as mm:ss.s', () => {
  expect([storyboardTimecode(0), storyboardTimecode(7.25), storyboardTimecode(83.5)]).toEqual(['00:00.0', '00:07.3', '01:23.5']);
});
