import { z } from 'zod';
import { pdfProbe, type PdfPageBoxes } from '../../analysis/pdf/index.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck, list } from '../define.js';
import { capEvidence, mm, pagesWord } from './evidence.js';

/** Named sizes people write in specs: ISO 216 A/B series and the ANSI/US sizes. */
const NAMED_SIZES_MM: Record<string, [number, number]> = {
  a0: [841, 1189],
  a1: [594, 841],
  a2: [420, 594],
  a3: [297, 420],
  a4: [210, 297],
  a5: [148, 210],
  a6: [105, 148],
  b4: [250, 353],
  b5: [176, 250],
  letter: [215.9, 279.4],
  legal: [215.9, 355.6],
  tabloid: [279.4, 431.8],
};

const UNIT_MM: Record<string, number> = { mm: 1, cm: 10, in: 25.4, pt: 25.4 / 72 };

interface AllowedSize {
  label: string;
  width_mm: number;
  height_mm: number;
}

const sizeSchema = z.string().transform((text, ctx): AllowedSize => {
  const key = text.trim().toLowerCase();
  const named = NAMED_SIZES_MM[key];
  if (named) return { label: key.length === 2 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1), width_mm: named[0], height_mm: named[1] };
  const m = /^(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)$/.exec(key);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a page size: write e.g. "210x297mm", "8.5x11in", or a name (${Object.keys(NAMED_SIZES_MM).join(', ')})` });
    return z.NEVER;
  }
  const f = UNIT_MM[m[3]!]!;
  return { label: `${m[1]}x${m[2]}${m[3]}`, width_mm: Number(m[1]) * f, height_mm: Number(m[2]) * f };
});

/**
 * The finished size as displayed: TrimBox, or the CropBox (which defaults to the MediaBox)
 * when there is none, turned by the page's /Rotate.
 */
export function trimSizeMm(p: PdfPageBoxes): { width_mm: number; height_mm: number; from: string } {
  const box = p.trim ?? p.crop;
  const w = mm((box.x1 - box.x0) * p.user_unit);
  const h = mm((box.y1 - box.y0) * p.user_unit);
  const turned = p.rotate === 90 || p.rotate === 270;
  return { width_mm: turned ? h : w, height_mm: turned ? w : h, from: p.trim ? 'TrimBox' : p.crop === p.media ? 'MediaBox' : 'CropBox' };
}

export const pdfPageSize = defineCheck({
  id: 'pdf.page_size',
  name: 'Page (trim) size',
  description:
    'Every page\'s finished size — its TrimBox, or CropBox/MediaBox when there is none — is one of `allowed` ("210x297mm", "8.5x11in", "a4", "letter"…) within `tolerance_mm`, in either orientation unless `allow_rotated` is false.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    allowed: z.array(sizeSchema).min(1).meta({ description: 'e.g. ["a4", "letter"] or ["210x297mm"]' }),
    tolerance_mm: z.number().min(0).default(1).meta({ description: 'Allowed difference per side, in mm' }),
    allow_rotated: z.boolean().default(true).meta({ description: 'Accept landscape for a portrait size and vice versa' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const fits = (w: number, h: number, a: AllowedSize) =>
      (Math.abs(w - a.width_mm) <= params.tolerance_mm && Math.abs(h - a.height_mm) <= params.tolerance_mm) ||
      (params.allow_rotated && Math.abs(w - a.height_mm) <= params.tolerance_mm && Math.abs(h - a.width_mm) <= params.tolerance_mm);
    const sizes = new Map<string, { pages: number[]; from: string; match?: string }>();
    for (const p of details.pages) {
      const s = trimSizeMm(p);
      const label = `${s.width_mm}x${s.height_mm}mm`;
      const entry = sizes.get(label) ?? { pages: [], from: s.from, ...(matchOf(s, params.allowed, fits) ? { match: matchOf(s, params.allowed, fits)! } : {}) };
      entry.pages.push(p.page);
      sizes.set(label, entry);
    }
    const expected = { allowed: params.allowed.map((a) => a.label), tolerance_mm: params.tolerance_mm };
    const measured = { sizes: [...sizes.entries()].map(([size, e]) => ({ size, from: e.from, pages: e.pages.length, ...(e.match ? { matches: e.match } : {}) })) };
    const bad = [...sizes.entries()].filter(([, e]) => !e.match);
    if (bad.length === 0) {
      const shown = [...sizes.entries()].map(([size, e]) => `${size} (${e.match}, ${e.from})`).join('; ');
      return { status: 'pass', message: `every page is an allowed size: ${shown}`, measured, expected };
    }
    const evidence: Evidence[] = [];
    for (const [size, e] of bad) for (const page of e.pages) evidence.push({ page, label: `${size} from the ${e.from}`, detail: { size, from: e.from } });
    const described = bad.map(([size, e]) => `${size} (${e.from}) on ${pagesWord(e.pages)}`).join('; ');
    const noTrim = bad.some(([, e]) => e.from !== 'TrimBox');
    return {
      status: 'fail',
      message:
        `${described} — allowed: ${list(expected.allowed)} (±${params.tolerance_mm} mm)` +
        (noTrim ? '; pages without a TrimBox are measured by their MediaBox/CropBox: if the artwork includes bleed, export with "use document bleed" and trim marks off so the TrimBox is set' : ''),
      measured,
      expected,
      evidence: capEvidence(evidence),
    };
  },
});

function matchOf(s: { width_mm: number; height_mm: number }, allowed: AllowedSize[], fits: (w: number, h: number, a: AllowedSize) => boolean): string | undefined {
  return allowed.find((a) => fits(s.width_mm, s.height_mm, a))?.label;
}
