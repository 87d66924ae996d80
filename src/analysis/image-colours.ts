/**
 * The image's dominant colours for `image.brand_colours`: the picture downscaled by sharp
 * (orientation applied, transparency flattened on white, converted to sRGB), then counted
 * and clustered in CIE Lab by `colour-lab.ts`. sharp's own `stats().dominant` gives only the
 * single fullest histogram bin, too little for a palette comparison.
 */
import { loadSharp } from './sharp.js';
import { imagePixels, imageProbe } from './image.js';
import type { DominantColour } from './colour-lab.js';
import type { Analysis } from '../qc/types.js';

export type { DominantColour, Lab } from './colour-lab.js';

export interface DominantColours {
  colours: DominantColour[];
  /** Size of the downscaled picture the colours were counted on. */
  sample: { width: number; height: number };
}

/** Long side of the picture the colours are counted on: enough for areas of 1 % and more. */
const SAMPLE_PX = 200;

export const imageDominantColours: Analysis<DominantColours> = {
  id: 'image.dominant_colours',
  async compute(ctx) {
    await ctx.get(imageProbe); // never decode what the probe refused
    const sharp = await loadSharp();
    const { data, info } = await sharp(await ctx.get(imagePixels), { limitInputPixels: ctx.env.maxPixels })
      .autoOrient()
      .resize(SAMPLE_PX, SAMPLE_PX, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { dominantColours } = await import('./colour-lab.js');
    return { colours: dominantColours(data), sample: { width: info.width, height: info.height } };
  },
};
