import { z } from 'zod';
import { pdfProbe, type ColorUse } from '../../analysis/pdf/index.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck, list } from '../define.js';
import { capEvidence, coverage, mm, pagesWord } from './evidence.js';

/**
 * What `allowed` may name. A model (rgb, cmyk, gray, lab, spot) admits every family that
 * prints as it (device, ICC-based, calibrated, indexed); `device_*` / `icc_*` are narrower.
 */
const TOKENS = ['rgb', 'cmyk', 'gray', 'lab', 'spot', 'device_rgb', 'device_cmyk', 'device_gray', 'icc_rgb', 'icc_cmyk', 'icc_gray'] as const;
type Token = (typeof TOKENS)[number];
const ALIASES: Record<string, Token[]> = {
  grey: ['gray'],
  grayscale: ['gray'],
  separation: ['spot'],
  devicen: ['spot'],
  icc: ['icc_rgb', 'icc_cmyk', 'icc_gray'],
  devicergb: ['device_rgb'],
  devicecmyk: ['device_cmyk'],
  devicegray: ['device_gray'],
};

const tokenSchema = z.string().transform((s, ctx): Token[] => {
  const key = s.trim().toLowerCase().replace(/[\s-]/g, '_');
  if ((TOKENS as readonly string[]).includes(key)) return [key as Token];
  const alias = ALIASES[key.replace(/_/g, '')];
  if (alias) return alias;
  ctx.addIssue({ code: 'custom', message: `"${s}" is not a colour space aiqc knows: use ${TOKENS.join(', ')} (or separation, icc)` });
  return z.NEVER;
});

export function isAllowed(use: ColorUse, allowed: ReadonlySet<Token>): boolean | undefined {
  // Patterns draw with colour spaces of their own (not walked); unknown ones are not judged.
  if (use.model === 'pattern' || use.model === 'unknown') return undefined;
  if (allowed.has(use.model as Token)) return true;
  const family = use.family === 'Indexed' ? use.base ?? '' : use.family;
  if (family.startsWith('Device')) return allowed.has(`device_${use.model}` as Token);
  if (family === 'ICCBased') return allowed.has(`icc_${use.model}` as Token);
  return false;
}

const FIX: Record<string, string> = {
  rgb: 'convert RGB images and colours to the print CMYK profile (or export as PDF/X-1a)',
  cmyk: 'convert to RGB for screen delivery',
  spot: 'convert spot colours to process unless the job prints with those inks',
  lab: 'convert Lab colours to the output colour space',
  gray: 'convert to the colour space the spec asks for',
};

export const pdfColorspace = defineCheck({
  id: 'pdf.colorspace',
  name: 'Colour spaces',
  description:
    'Every colour space the pages use — for images, fills, strokes and shadings — is in `allowed`: rgb, cmyk, gray, lab, spot (Separation/DeviceN), or narrower device_rgb/icc_rgb, device_cmyk/icc_cmyk, device_gray/icc_gray. Separations of process inks count as cmyk.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    allowed: z
      .array(tokenSchema)
      .min(1)
      .transform((a) => [...new Set(a.flat())])
      .meta({ description: 'e.g. ["cmyk", "gray", "spot"] for print' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const allowed = new Set(params.allowed);
    const verdicts = details.colors.map((c) => ({ c, ok: isAllowed(c, allowed) }));
    const bad = verdicts.filter((v) => v.ok === false).map((v) => v.c);
    const measured = {
      colour_spaces: details.colors.map((c) => `${c.label} (${c.uses.join(', ')})`),
      ...(bad.length > 0 ? { not_allowed: bad.map((c) => c.label) } : {}),
      pages_examined: details.detail_pages,
    };
    const expected = { allowed: params.allowed };
    const scope = coverage(details) + (details.content_read ? '' : ' (encrypted: judged from the resources only)');
    if (bad.length === 0) {
      const shown = details.colors.length === 0 ? 'no colour spaces set (default gray)' : details.colors.map((c) => c.label).join(', ');
      return { status: 'pass', message: `${shown}${scope} — all allowed (${list(params.allowed)})`, measured, expected };
    }
    const evidence: Evidence[] = [];
    for (const c of bad) {
      const images = details.images.filter((i) => i.color && i.color.family === c.family && i.color.model === c.model && (i.color.base ?? '') === (c.base ?? '') && sameInks(i.color, c));
      for (const i of images) {
        evidence.push({
          page: i.page,
          label: `${c.label} image ${i.width}×${i.height} px (${mm(i.placed_w_pt)}×${mm(i.placed_h_pt)} mm)`,
          ...(i.box ? { box: i.box } : {}),
          detail: { colour_space: c.label, object: i.object, width_px: i.width, height_px: i.height },
        });
      }
      const vectorUses = c.uses.filter((u) => u !== 'image');
      if (vectorUses.length > 0 || images.length === 0) {
        for (const page of c.pages) evidence.push({ page, label: `${c.label} (${c.uses.join(', ')})`, detail: { colour_space: c.label, uses: c.uses } });
      }
    }
    const models = [...new Set(bad.map((c) => c.model))];
    return {
      status: 'fail',
      message:
        `${bad.map((c) => `${c.label} (${c.uses.join(', ')}) on ${pagesWord(c.pages)}`).join('; ')}${scope} — allowed: ${list(params.allowed)}; ` +
        models.map((m) => FIX[m] ?? `convert to ${params.allowed[0]}`).join('; '),
      measured,
      expected,
      evidence: capEvidence(evidence),
    };
  },
});

function sameInks(a: ColorUse, b: ColorUse): boolean {
  return (a.inks ?? []).join('+') === (b.inks ?? []).join('+');
}
