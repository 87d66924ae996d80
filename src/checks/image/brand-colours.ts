import { z } from 'zod';
import { imageDominantColours, type DominantColour } from '../../analysis/image-colours.js';
import { clientBrand, normaliseHex, type PaletteColour } from '../../config/brand.js';
import { defineCheck } from '../define.js';

/** Lab chroma under which a colour counts as neutral (white, black, greys, paper tints). */
const NEUTRAL_CHROMA = 8;

const pct = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

interface Judged {
  colour: DominantColour;
  neutral: boolean;
  nearest?: PaletteColour;
  delta_e?: number;
}

export const imageBrandColours = defineCheck({
  id: 'image.brand_colours',
  name: 'Brand colours',
  description:
    'Every dominant colour (at least `min_share` of the picture) is within `tolerance` ΔE2000 of a colour in the client’s palette (`brand.palette` in clients.yaml, or `palette` here); neutrals (white, black, greys) are not judged unless `ignore_neutrals` is false.',
  appliesTo: ['image'],
  params: () => z.strictObject({
    tolerance: z.number().positive().max(50).default(5).meta({ description: 'Largest ΔE2000 from the nearest palette colour (default 5; about 2 is a just-noticeable difference)' }),
    min_share: z.number().min(0).max(1).default(0.05).meta({ description: 'Colours covering less than this fraction of the picture are not judged (default 0.05)' }),
    ignore_neutrals: z.boolean().default(true).meta({ description: 'Leave white, black and greys (Lab chroma under 8) unjudged (default true)' }),
    palette: z
      .array(z.strictObject({ name: z.string().min(1), hex: z.string().transform((v, ctx) => normaliseHex(v) ?? (ctx.addIssue({ code: 'custom', message: `"${v}" is not a hex colour: write "#RRGGBB", e.g. "#E4002B"` }), z.NEVER)) }))
      .min(1)
      .optional()
      .meta({ description: 'Palette for this profile, instead of the client’s `brand.palette`' }),
  }),
  async run({ params, analyses, client }) {
    const palette = params.palette ?? clientBrand(client)?.palette;
    if (!palette || palette.length === 0) {
      return {
        status: 'skipped',
        message: client
          ? `client ${client.id} has no brand palette: add \`brand.palette\` (name and "#RRGGBB" per colour) to clients.${client.id} in clients.yaml`
          : 'no client was named, so there is no brand palette to compare with (name the client, e.g. --client, or give `palette` in the profile)',
      };
    }
    // culori (in colour-lab) is loaded by the runs that compare colours, not by every run.
    const { deltaE2000, labOfHex } = await import('../../analysis/colour-lab.js');
    const swatches = palette.map((p) => ({ ...p, lab: labOfHex(p.hex) }));
    const { colours } = await analyses.get(imageDominantColours);
    const judged: Judged[] = colours.map((colour) => {
      const chroma = Math.hypot(colour.lab[1], colour.lab[2]);
      let nearest: (typeof swatches)[number] | undefined;
      let best = Infinity;
      for (const s of swatches) {
        const d = deltaE2000(colour.lab, s.lab);
        if (d < best) {
          best = d;
          nearest = s;
        }
      }
      return { colour, neutral: chroma < NEUTRAL_CHROMA, ...(nearest ? { nearest: { name: nearest.name, hex: nearest.hex }, delta_e: Number(best.toFixed(2)) } : {}) };
    });
    const considered = judged.filter((j) => j.colour.share >= params.min_share);
    const judgedHere = considered.filter((j) => !(params.ignore_neutrals && j.neutral));
    const off = judgedHere.filter((j) => (j.delta_e ?? Infinity) > params.tolerance);
    const measured = {
      // One line per colour here; the evidence carries each as numbers.
      dominant_colours: considered.map((j) => `${j.colour.hex} ${pct(j.colour.share)} → ${j.nearest?.name ?? '—'} ΔE ${j.delta_e?.toFixed(1) ?? '—'}${j.neutral ? ' (neutral)' : ''}`),
      off_palette_share: Number(off.reduce((s, j) => s + j.colour.share, 0).toFixed(3)),
    };
    const expected = { palette: palette.map((p) => `${p.name} ${p.hex}`), tolerance_delta_e2000: params.tolerance, min_share: params.min_share };
    const evidence = considered.map((j) => {
      const within = (j.delta_e ?? Infinity) <= params.tolerance;
      const verdict = params.ignore_neutrals && j.neutral ? 'neutral, not judged' : within ? 'on palette' : 'off palette';
      return {
        label: `${j.colour.hex} covers ${pct(j.colour.share)}: nearest ${j.nearest?.name ?? '—'} ${j.nearest?.hex ?? ''} at ΔE ${j.delta_e?.toFixed(1) ?? '—'} (${verdict})`,
        detail: { hex: j.colour.hex, share: Number(j.colour.share.toFixed(3)), nearest: j.nearest?.name, nearest_hex: j.nearest?.hex, delta_e: j.delta_e, verdict },
      };
    });
    if (judgedHere.length === 0) {
      return { status: 'pass', message: `no coloured area covers ${pct(params.min_share)} or more of the picture (only neutrals), nothing to compare with the palette`, measured, expected, evidence };
    }
    if (off.length === 0) {
      return {
        status: 'pass',
        message: `the ${judgedHere.length} dominant colour${judgedHere.length === 1 ? ' is' : 's are'} within ΔE ${params.tolerance} of the palette (${judgedHere.map((j) => `${j.nearest!.name} ΔE ${j.delta_e!.toFixed(1)}`).join(', ')})`,
        measured,
        expected,
        evidence,
      };
    }
    const where = client ? `clients.${client.id}.brand.palette` : 'the palette';
    return {
      status: 'fail',
      message: `${off
        .slice(0, 4)
        .map((j) => `${j.colour.hex} (${pct(j.colour.share)} of the picture) is ΔE ${j.delta_e!.toFixed(1)} from the nearest brand colour, ${j.nearest!.name} ${j.nearest!.hex}`)
        .join('; ')} — over the ΔE ${params.tolerance} tolerance: use the palette colour, or add the colour to ${where} if it is a brand colour`,
      measured,
      expected,
      evidence,
    };
  },
});
