import { z } from 'zod';
import { pdfProbe, type PdfFont } from '../../analysis/pdf/index.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { capEvidence, coverage, pagesWord } from './evidence.js';

export const pdfFontsEmbedded = defineCheck({
  id: 'pdf.fonts_embedded',
  name: 'Fonts embedded',
  description:
    'Every font the pages use is embedded in the PDF (a printer without the font substitutes another). Type 3 fonts count as embedded; `allow_type3: false` rejects them too (they are often low-resolution bitmap fonts).',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    allow_type3: z.boolean().default(true).meta({ description: 'false: Type 3 fonts fail as well' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const notEmbedded = details.fonts.filter((f) => !f.embedded);
    const type3 = params.allow_type3 ? [] : details.fonts.filter((f) => f.type === 'Type3');
    const measured = {
      fonts: details.fonts.length,
      not_embedded: [...new Set(notEmbedded.map((f) => f.name))],
      ...(params.allow_type3 ? {} : { type3: [...new Set(type3.map((f) => f.name))] }),
      pages_examined: details.detail_pages,
    };
    const expected = { embedded: true, allow_type3: params.allow_type3 };
    const scope = coverage(details);
    if (notEmbedded.length === 0 && type3.length === 0) {
      const msg = details.fonts.length === 0 ? `no fonts are used${scope}` : `all ${details.fonts.length} fonts are embedded${scope}`;
      return { status: 'pass', message: msg, measured, expected };
    }
    const evidence: Evidence[] = [];
    const add = (f: PdfFont, why: string) => {
      for (const page of f.pages) evidence.push({ page, label: `${f.name} (${f.type}) ${why}`, detail: { font: f.name, type: f.type, embedded: f.embedded, subset: f.subset, object: f.key } });
    };
    notEmbedded.forEach((f) => add(f, 'not embedded'));
    type3.forEach((f) => add(f, 'is a Type 3 font'));
    const parts: string[] = [];
    if (notEmbedded.length > 0) parts.push(`not embedded: ${byName(notEmbedded)}`);
    if (type3.length > 0) parts.push(`Type 3: ${byName(type3)}`);
    return {
      status: 'fail',
      message: `${parts.join('; ')}${scope} — export with "embed all fonts" (PDF/X does this), or convert the text to outlines`,
      measured,
      expected,
      evidence: capEvidence(evidence),
    };
  },
});

/**
 * "Helvetica (pages 1–5), Arial (page 2)": one entry per font name with every page it is used
 * on. A PDF often holds one font object per page for the same font; the message lists it once.
 */
export function byName(fonts: ReadonlyArray<{ name: string; pages: readonly number[] }>): string {
  const pages = new Map<string, number[]>();
  for (const f of fonts) pages.set(f.name, [...(pages.get(f.name) ?? []), ...f.pages]);
  return [...pages].map(([name, on]) => `${name} (${pagesWord([...new Set(on)].sort((a, b) => a - b))})`).join(', ');
}
