import { z } from 'zod';
import { avPass, avProbe } from '../../analysis/av/index.js';
import { analyseFlashes, splitFrames, type FlashSegment } from '../../analysis/av/flashes.js';
import { requestOf, type Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { secs } from './segment-evidence.js';

const paramsSchema = () =>
  z.strictObject({
  max_flashes_per_s: z.number().min(0).default(3).meta({ description: 'Flashes allowed in any one second (ITU-R BT.1702 and Ofcom: more than 3 is a hazard)' }),
  min_area: z.number().gt(0).max(1).default(0.25).meta({ description: 'Share of the screen a flash must cover to count (0.25: a quarter of the screen)' }),
  red: z.boolean().default(true).meta({ description: 'Also count red flashes (a saturated red changing, even at equal brightness)' }),
});

const describe = (s: FlashSegment) => `${secs(s.start_s)}–${secs(s.end_s)} (${s.kind === 'red' ? 'red flashes' : 'flashes'}, up to ${s.peak_flashes_per_s} a second)`;

export const videoFlashing = defineCheck({
  id: 'video.flashing',
  name: 'Flashing (photosensitive epilepsy)',
  description:
    'No more than `max_flashes_per_s` flashes in any one second over `min_area` of the screen (ITU-R BT.1702, Ofcom guidance): a flash is a pair of opposite changes of 20 cd/m² (0.1 relative luminance) with the darker state under 160 cd/m², or, with `red`, of a saturated red. Measured on a 16×9 grid of the picture during the decode pass.',
  appliesTo: ['video'],
  params: paramsSchema,
  requires: () => [requestOf(avPass, { measure: 'flashes' })],
  async run({ params, analyses }) {
    const { details } = await analyses.get(avProbe);
    const flashes = (await analyses.get(avPass)).depth?.flashes;
    if (!flashes || flashes.times.length < 2) return { status: 'skipped', message: 'too few frames to look for flashes' };
    const result = analyseFlashes(splitFrames(flashes.raw), flashes.times, params, details.duration_s);
    const segments = result.segments.filter((s) => params.red || s.kind === 'general');
    const measured = {
      frames: result.frames,
      peak_flashes_per_s: result.peak_flashes_per_s.general,
      ...(params.red ? { peak_red_flashes_per_s: result.peak_flashes_per_s.red } : {}),
      hazardous_s: Number(segments.reduce((n, s) => n + (s.end_s - s.start_s), 0).toFixed(3)),
    };
    const evidence: Evidence[] = [
      ...segments.map((s) => ({ start_s: s.start_s, end_s: s.end_s, label: s.kind === 'red' ? 'red flashing' : 'flashing', detail: { kind: s.kind, peak_flashes_per_s: s.peak_flashes_per_s } })),
      { label: 'flashes in the second before', series: { x_label: 'time (s)', y_label: 'flashes per second', points: result.rate, band: { min: 0, max: params.max_flashes_per_s } } },
    ];
    const base = { measured, expected: params, evidence };
    if (segments.length > 0) {
      return {
        status: 'fail',
        ...base,
        message: `flashing over ${Math.round(params.min_area * 100)} % of the screen faster than ${params.max_flashes_per_s} a second (a photosensitive-epilepsy risk): ${segments.map(describe).join('; ')} — slow the flashes, shrink them, or lower their contrast`,
      };
    }
    const peak = Math.max(result.peak_flashes_per_s.general, params.red ? result.peak_flashes_per_s.red : 0);
    return { status: 'pass', ...base, message: peak > 0 ? `at most ${peak} flash${peak === 1 ? '' : 'es'} in any second, within ${params.max_flashes_per_s}` : 'no flashes over the area limit' };
  },
});
