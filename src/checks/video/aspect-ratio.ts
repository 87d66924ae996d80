import { avProbe } from '../../analysis/av/index.js';
import { defineCheck, list } from '../define.js';
import { matchRatio, ratioLabel, ratioRulesParams } from '../shape-rules.js';

export const videoAspectRatio = defineCheck({
  id: 'video.aspect_ratio',
  name: 'Display aspect ratio',
  description: 'The display aspect ratio (pixel aspect and rotation applied) is one of `allowed` (e.g. "16:9"), within a relative `tolerance` (default 1%).',
  appliesTo: ['video'],
  params: () => ratioRulesParams('["16:9", "9:16", "1:1", "4:5"]'),
  async run({ params, analyses }) {
    const v = (await analyses.get(avProbe)).details.video!;
    const ratio = v.display_aspect_ratio;
    const label = ratioLabel(v.display_width, v.display_height);
    const measured = { ratio: Number(ratio.toFixed(4)), label, ...(v.sample_aspect_ratio !== 1 ? { sample_aspect_ratio: Number(v.sample_aspect_ratio.toFixed(4)) } : {}) };
    const expected = { allowed: params.allowed.map((r) => r.label), tolerance: params.tolerance };
    const match = matchRatio(ratio, params);
    return match
      ? { status: 'pass', message: `${label} matches ${match.label}`, measured, expected }
      : { status: 'fail', message: `${label} (${ratio.toFixed(3)}) is not one of ${list(params.allowed.map((r) => r.label))}: crop or re-export to an allowed shape`, measured, expected };
  },
});
