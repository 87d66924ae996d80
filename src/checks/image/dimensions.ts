import { imageProbe } from '../../analysis/image.js';
import { defineCheck } from '../define.js';
import { judgeSize, sizeRulesParams } from '../shape-rules.js';

export const imageDimensions = defineCheck({
  id: 'image.dimensions',
  name: 'Image dimensions',
  description: 'Pixel size (as displayed, EXIF orientation applied) is one of `allowed`, and/or within min/max width and height.',
  appliesTo: ['image'],
  params: () => sizeRulesParams('["1080x1080", "1080x1350"]'),
  async run({ params, analyses }) {
    const { details } = await analyses.get(imageProbe);
    const { width, height } = details;
    const size = `${width}x${height}`;
    const measured = { width, height };
    const { problems, expected } = judgeSize(width, height, params);
    return problems.length > 0
      ? { status: 'fail', message: `${problems.join('; ')}: resize or re-export the artwork`, measured, expected }
      : { status: 'pass', message: `${size} meets the size rules`, measured, expected };
  },
});
