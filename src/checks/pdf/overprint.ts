import { z } from 'zod';
import { boxOnPage, pdfProbe, type OverprintUse, type PdfDetails } from '../../analysis/pdf/index.js';
import { NotApplicableError } from '../../qc/errors.js';
import type { Evidence } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { capEvidence, coverage, pagesWord } from './evidence.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Where white overprint certainly vanishes: CMYK zeros under OPM 1 paint no ink at all (ISO
 * 32000-1 §8.6.7), a separation at tint 0 touches only its own plate. Gray or OPM 0 knock out
 * in Ghostscript but not in every RIP (or on spot plates): flagged, as preflight tools do.
 */
function vanishes(u: OverprintUse): boolean {
  return /^(Separation|DeviceN)/.test(u.colour) || (u.opm === 1 && /^(DeviceCMYK|ICCBased) /.test(u.colour) && u.colour.split(' ').length === 5);
}

function evidenceOf(u: OverprintUse, d: PdfDetails, what: string): Evidence {
  const box = boxOnPage(u.bounds, d.pages[u.page - 1]);
  const how = u.kind === 'white_overprint' ? (vanishes(u) ? ', vanishes' : `, overprint mode ${u.opm}: whether it vanishes depends on the RIP`) : '';
  return {
    page: u.page,
    label: `${what}${how}: ${u.colour}${u.text_pt !== undefined ? `, ${u.text_pt} pt` : ''} (${plural(u.count, u.paint === 'text' ? 'text run' : `${u.paint} operation`)})`,
    ...(box ? { box } : {}),
    detail: { colour: u.colour, paint: u.paint, overprint: u.overprint, overprint_mode: u.opm, count: u.count, ...(u.text_pt !== undefined ? { text_pt: u.text_pt } : {}) },
  };
}

export const pdfOverprint = defineCheck({
  id: 'pdf.overprint',
  name: 'Overprint',
  description:
    'White objects (CMYK 0/0/0/0, gray 1, a separation at tint 0) are not set to overprint — on press they disappear — unless `allow_white_overprint`. When `black_text_overprint` is set, 100 % black text (K only) of at most `black_text_max_pt` overprints rather than knocking out, so it cannot show a white halo when plates shift. Overprint is read from ExtGState OP/op/OPM as each object is painted.',
  appliesTo: ['pdf'],
  params: () => z.strictObject({
    allow_white_overprint: z.boolean().default(false).meta({ description: 'True only when white overprint is intended (rare: a white ink plate)' }),
    black_text_overprint: z.boolean().default(false).meta({ description: 'Require 100 % K text to overprint (most printers set this at the RIP anyway)' }),
    black_text_max_pt: z.number().positive().optional().meta({ description: 'Judge only black text up to this size, e.g. 12; all sizes when absent' }),
  }),
  async run({ params, analyses }) {
    const { details } = await analyses.get(pdfProbe);
    if (!details.content_read) throw new NotApplicableError('the PDF is encrypted, so what overprints cannot be read: send an unprotected PDF to have overprint checked');
    const uses = details.graphics.overprint;
    const white = params.allow_white_overprint ? [] : uses.filter((u) => u.kind === 'white_overprint');
    const blackText = uses.filter((u) => u.kind === 'black_text' && (params.black_text_max_pt === undefined || (u.text_pt ?? 0) <= params.black_text_max_pt));
    const knockout = params.black_text_overprint ? blackText.filter((u) => !u.overprint) : [];
    const sum = (list: OverprintUse[]) => list.reduce((n, u) => n + u.count, 0);
    const measured = {
      white_overprint: sum(uses.filter((u) => u.kind === 'white_overprint')),
      black_text_runs: sum(blackText),
      black_text_knocking_out: sum(blackText.filter((u) => !u.overprint)),
      pages_examined: details.detail_pages,
    };
    const expected = {
      allow_white_overprint: params.allow_white_overprint,
      black_text_overprint: params.black_text_overprint,
      ...(params.black_text_max_pt !== undefined ? { black_text_max_pt: params.black_text_max_pt } : {}),
    };
    const scope = coverage(details);
    if (white.length === 0 && knockout.length === 0) {
      const parts = [params.allow_white_overprint ? 'white overprint allowed' : 'no white object set to overprint'];
      if (params.black_text_overprint) parts.push(measured.black_text_runs === 0 ? 'no 100 % black text' : '100 % black text overprints');
      return { status: 'pass', message: `${parts.join('; ')}${scope}`, measured, expected };
    }
    const parts: string[] = [];
    const fixes: string[] = [];
    if (white.length > 0) {
      const n = sum(white);
      const certain = white.some(vanishes);
      parts.push(`${plural(n, 'white object')} set to overprint on ${pagesWord(white.map((u) => u.page))} (${n === 1 ? 'it' : 'they'} ${certain ? (n === 1 ? 'vanishes' : 'vanish') : 'can vanish'} in print)`);
      fixes.push('turn overprint off for white objects (Attributes panel / Output preview in InDesign or Illustrator)');
    }
    if (knockout.length > 0) {
      const sizes = knockout.map((u) => u.text_pt ?? 0);
      parts.push(`${plural(sum(knockout), 'run')} of 100 % black text (${Math.min(...sizes)}–${Math.max(...sizes)} pt) knocking out on ${pagesWord(knockout.map((u) => u.page))}`);
      fixes.push('set [Black] to overprint (InDesign: Preferences › Appearance of Black › Overprint [Black] swatch at 100 %)');
    }
    return {
      status: 'fail',
      message: `${parts.join('; ')}${scope} — ${fixes.join('; ')}`,
      measured,
      expected,
      evidence: capEvidence([...white.map((u) => evidenceOf(u, details, 'white overprint')), ...knockout.map((u) => evidenceOf(u, details, 'black text knocks out'))]),
    };
  },
});
