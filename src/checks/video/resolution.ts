import { avProbe } from '../../analysis/av/index.js';
import { defineCheck } from '../define.js';
import { judgeSize, sizeRulesParams } from '../shape-rules.js';

export const videoResolution = defineCheck({
  id: 'video.resolution',
  name: 'Video resolution',
  description: 'The picture size as displayed (rotation and pixel aspect applied) is one of `allowed`, and/or within min/max width and height.',
  appliesTo: ['video'],
  params: () => sizeRulesParams('["1920x1080", "1080x1920"]'),
  async run({ params, analyses }) {
    const v = (await analyses.get(avProbe)).details.video!;
    const width = v.display_width;
    const height = v.display_height;
    const size = `${width}x${height}`;
    const measured = { width, height, ...(v.rotation ? { rotation: v.rotation, stored: `${v.width}x${v.height}` } : {}) };
    const { problems, expected } = judgeSize(width, height, params);
    const turned = v.rotation ? ` (stored ${v.width}x${v.height}, shown turned ${v.rotation}°)` : '';
    return problems.length > 0
      ? { status: 'fail', message: `${problems.join('; ')}${turned}: re-export at an allowed size`, measured, expected }
      : { status: 'pass', message: `${size}${turned} meets the size rules`, measured, expected };
  },
});
