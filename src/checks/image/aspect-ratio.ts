import { imageProbe } from '../../analysis/image.js';
import { defineCheck, list } from '../define.js';
import { matchRatio, ratioLabel, ratioRulesParams } from '../shape-rules.js';

export const imageAspectRatio = defineCheck({
  id: 'image.aspect_ratio',
  name: 'Aspect ratio',
  description: 'Width ÷ height is one of `allowed` (e.g. "4:5"), within a relative `tolerance` (default 1%).',
  appliesTo: ['image'],
  params: () => ratioRulesParams('["1:1", "4:5", "9:16"]'),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const ratio = details.width / details.height;
    const label = ratioLabel(details.width, details.height);
    const measured = { ratio: Number(ratio.toFixed(4)), label };
    const expected = { allowed: params.allowed.map((r) => r.label), tolerance: params.tolerance };
    const match = matchRatio(ratio, params);
    return match
      ? { status: 'pass', message: `${label} matches ${match.label}`, measured, expected }
      : { status: 'fail', message: `${label} (${ratio.toFixed(3)}) is not one of ${list(params.allowed.map((r) => r.label))}: crop or re-export to an allowed shape`, measured, expected };
  },
});
