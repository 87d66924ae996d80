import { z } from 'zod';
import { avPass } from '../../analysis/av/index.js';
import { barsOf, type Bars } from '../../analysis/av/letterbox.js';
import { ratioSchema } from '../../config/units.js';
import { requestOf } from '../../qc/types.js';
import { defineCheck } from '../define.js';

const pc = (n: number) => `${Number((n * 100).toFixed(1))} %`;

function describeBars(b: Bars): string {
  const parts = [
    b.top > 0 || b.bottom > 0 ? `top ${pc(b.top)} and bottom ${pc(b.bottom)} of the height` : '',
    b.left > 0 || b.right > 0 ? `left ${pc(b.left)} and right ${pc(b.right)} of the width` : '',
  ].filter(Boolean);
  return `${b.shape} bars (${parts.join('; ')})`;
}

export const videoLetterbox = defineCheck({
  id: 'video.letterbox',
  name: 'Letterbox and pillarbox bars',
  description:
    'Black bars that stay black for the whole clip (FFmpeg cropdetect, the union of every frame\'s picture) are not there unless `allow_bars`; with `expected_aspect` (e.g. "2.39:1") the picture inside the bars must have that shape instead, within `tolerance`. Edges thinner than `min_bar` of the frame are ignored.',
  appliesTo: ['video'],
  params: () => z.strictObject({
    allow_bars: z.boolean().default(false).meta({ description: 'Bars of any size are fine (only measured)' }),
    expected_aspect: ratioSchema.optional().meta({ description: 'The active picture\'s shape the delivery expects, e.g. "2.39:1" letterboxed in 16:9; bars that give it are fine' }),
    tolerance: z.number().min(0).max(0.5).default(0.02).meta({ description: 'Relative tolerance on expected_aspect, 0.02 = 2 %' }),
    min_bar: z.number().min(0).max(0.5).default(0.01).meta({ description: 'Thinnest edge counted as a bar, as a share of the frame (0.01 = 1 %)' }),
  }),
  requires: () => [requestOf(avPass, { measure: 'crop' })],
  async run({ params, analyses }) {
    const crop = (await analyses.get(avPass)).depth?.crop;
    if (!crop) return { status: 'skipped', message: 'too few frames to measure the picture area' };
    if ('black' in crop) return { status: 'skipped', message: 'the picture is black throughout: there is no active area to measure (video.black_frames judges that)' };
    const bars = barsOf(crop, params.min_bar);
    const measured = { shape: bars.shape, top: bars.top, bottom: bars.bottom, left: bars.left, right: bars.right, active_aspect: bars.active_aspect };
    const expected = { allow_bars: params.allow_bars, ...(params.expected_aspect ? { expected_aspect: params.expected_aspect.label, tolerance: params.tolerance } : {}), min_bar: params.min_bar };
    const evidence = bars.shape === 'none' ? [] : [{ label: `active picture (${bars.shape})`, box: bars.box, detail: { active_aspect: bars.active_aspect } }];
    const base = { measured, expected, evidence };
    if (params.expected_aspect) {
      const want = params.expected_aspect;
      const ok = Math.abs(bars.active_aspect - want.ratio) / want.ratio <= params.tolerance;
      return ok
        ? { status: 'pass', ...base, message: `the active picture is ${bars.active_aspect.toFixed(2)}:1, the expected ${want.label}${bars.shape === 'none' ? '' : ` (${describeBars(bars)})`}` }
        : { status: 'fail', ...base, message: `the active picture is ${bars.active_aspect.toFixed(2)}:1${bars.shape === 'none' ? ' (no bars)' : ` inside ${describeBars(bars)}`}, not the expected ${want.label}: re-frame or re-export at the delivery's shape` };
    }
    if (bars.shape === 'none') return { status: 'pass', ...base, message: 'no black bars: the picture fills the frame' };
    if (params.allow_bars) return { status: 'pass', ...base, message: `${describeBars(bars)}, allowed` };
    return { status: 'fail', ...base, message: `${describeBars(bars)}: the picture does not fill the frame — export at the picture's own aspect ratio (${bars.active_aspect.toFixed(2)}:1) or re-frame to fill it` };
  },
});
