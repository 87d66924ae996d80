import { z } from 'zod';
import { pdfProbe, type PdfDetails } from '../../analysis/pdf/index.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { capEvidence, coverage, pagesWord } from './evidence.js';

const STANDARDS = ['any', 'x1a', 'x3', 'x4'] as const;
type Standard = (typeof STANDARDS)[number];
const CLAIM_PREFIX: Record<Exclude<Standard, 'any'>, string> = { x1a: 'PDF/X-1', x3: 'PDF/X-3', x4: 'PDF/X-4' };
const NAME: Record<Standard, string> = { any: 'PDF/X', x1a: 'PDF/X-1a', x3: 'PDF/X-3', x4: 'PDF/X-4' };

interface Problem {
  text: string;
  fix: string;
  evidence: Evidence[];
}

/** What the file breaks of the standard's basics (ISO 15930-1/-3/-4/-7), each with its fix. */
export function pdfxProblems(d: PdfDetails, standard: Standard): Problem[] {
  const problems: Problem[] = [];
  const intents = d.output_intents.filter((i) => i.subtype === 'GTS_PDFX');
  if (intents.length === 0) {
    problems.push({
      text: d.output_intents.length > 0 ? `no PDF/X OutputIntent (only ${d.output_intents.map((i) => i.subtype).join(', ')})` : 'no OutputIntent (the printing condition, GTS_PDFX)',
      fix: 'export with a PDF/X preset and the printer\'s output condition (e.g. FOGRA39 / GRACoL)',
      evidence: [{ label: 'no GTS_PDFX OutputIntent in the document catalog' }],
    });
  }
  const claim = d.pdfx && !d.pdfx.startsWith('PDF/X (OutputIntent') ? d.pdfx : undefined;
  if (!claim) {
    problems.push({ text: 'no GTS_PDFXVersion (the file does not say which PDF/X it is)', fix: `export with a ${NAME[standard]} preset`, evidence: [{ label: 'no GTS_PDFXVersion in the document information' }] });
  } else if (standard !== 'any' && !claim.startsWith(CLAIM_PREFIX[standard])) {
    problems.push({ text: `it claims ${claim}, not ${NAME[standard]}`, fix: `export with a ${NAME[standard]} preset`, evidence: [{ label: `GTS_PDFXVersion ${claim}` }] });
  }
  const noBox = d.pages.filter((p) => !p.trim && !p.art).map((p) => p.page);
  if (noBox.length > 0) {
    problems.push({
      text: `no TrimBox or ArtBox on ${pagesWord(noBox)}`,
      fix: 'export with "use document bleed settings" so the trim is written on every page',
      evidence: noBox.map((page) => ({ page, label: 'no TrimBox or ArtBox' })),
    });
  }
  if (d.encryption) problems.push({ text: 'it is encrypted (PDF/X forbids it)', fix: 'export without security', evidence: [{ label: `encrypted (${d.encryption.filter})` }] });
  const unembedded = d.fonts.filter((f) => !f.embedded);
  if (unembedded.length > 0) {
    problems.push({
      text: `${unembedded.length} font${unembedded.length === 1 ? ' is' : 's are'} not embedded (${unembedded.map((f) => f.name).slice(0, 3).join(', ')})`,
      fix: 'embed all fonts',
      evidence: unembedded.flatMap((f) => f.pages.map((page) => ({ page, label: `font ${f.name} not embedded` }))),
    });
  }
  if (standard === 'x1a' || standard === 'x3') {
    // X-1a: CMYK, gray and spot only. X-3 admits calibrated and ICC colour, but not device RGB.
    const bad = d.colors.filter((c) => (standard === 'x1a' ? c.model === 'rgb' || c.model === 'lab' : c.family === 'DeviceRGB' || c.base === 'DeviceRGB'));
    if (bad.length > 0) {
      problems.push({
        text: `${bad.map((c) => c.label).join(', ')} on ${pagesWord(bad.flatMap((c) => c.pages))} (${NAME[standard]} allows ${standard === 'x1a' ? 'CMYK, gray and spot colour only' : 'no device RGB'})`,
        fix: 'convert colours and images to the output CMYK profile',
        evidence: bad.flatMap((c) => c.pages.map((page) => ({ page, label: `${c.label} (${c.uses.join(', ')})` }))),
      });
    }
    const t = d.graphics.transparency;
    if (t.length > 0) {
      problems.push({
        text: `transparency on ${pagesWord(t.map((u) => u.page))}: ${[...new Set(t.map((u) => u.what))].slice(0, 4).join(', ')} (${NAME[standard]} has none)`,
        fix: 'flatten transparency on export (a PDF/X-1a preset does), or deliver PDF/X-4 if the printer takes it',
        evidence: t.map((u) => ({ page: u.page, label: `${u.what}${u.count > 1 ? ` (×${u.count})` : ''}`, detail: { transparency: u.what, count: u.count } })),
      });
    }
  }
  return problems;
}

export const pdfPdfx = defineCheck({
  id: 'pdf.pdfx',
  name: 'PDF/X basics',
  description:
    'The basics of PDF/X (`standard`: any, x1a, x3, x4): a GTS_PDFX OutputIntent, a GTS_PDFXVersion naming the standard, a TrimBox or ArtBox on every page, all fonts embedded, no encryption; for x1a no RGB or Lab colour and no transparency (opacity below 1, blend modes, soft masks, transparency groups); for x3 no device RGB and no transparency. A preflight of the basics, not a full ISO 15930 validation.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    standard: z.enum(STANDARDS).default('any').meta({ description: 'any, x1a (PDF/X-1a), x3 (PDF/X-3) or x4 (PDF/X-4)' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    const problems = pdfxProblems(details, params.standard);
    const intent = details.output_intents.find((i) => i.subtype === 'GTS_PDFX');
    const measured = {
      ...(details.pdfx ? { pdfx_version: details.pdfx } : {}),
      ...(intent ? { output_intent: intent.condition_identifier ?? intent.condition ?? 'GTS_PDFX' } : {}),
      pages_without_trim_or_art_box: details.pages.filter((p) => !p.trim && !p.art).length,
      transparency_uses: details.graphics.transparency.reduce((n, u) => n + u.count, 0),
      problems: problems.length,
    };
    const expected = { standard: NAME[params.standard] };
    const scope = coverage(details) + (details.content_read ? '' : ' (encrypted: content not read)');
    if (problems.length === 0) {
      return { status: 'pass', message: `${details.pdfx} with OutputIntent ${measured.output_intent}, trim on every page${scope} — meets the ${NAME[params.standard]} basics`, measured, expected };
    }
    return {
      status: 'fail',
      message: `not ${NAME[params.standard]}: ${problems.map((p) => p.text).join('; ')}${scope} — ${[...new Set(problems.map((p) => p.fix))].join('; ')}`,
      measured,
      expected,
      evidence: capEvidence(problems.flatMap((p) => p.evidence)),
    };
  },
});
