import { z } from 'zod';
import { spellers } from '../../analysis/text/dictionaries.js';
import { textContent } from '../../analysis/text/content.js';
import { keyframeRequests } from '../../analysis/text/keyframes.js';
import { languagesParam } from '../../analysis/text/languages.js';
import { allWords } from '../../analysis/text/types.js';
import { requestOf } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { MAX_EVIDENCE, placeOf, wordEvidence } from './evidence.js';
import { skipReason, wordParts, type SkipReason } from './words.js';

/** Suggestions cost a dictionary search each: offer them for the first few misspellings only. */
const MAX_SUGGESTED = 12;

export const textSpelling = defineCheck({
  id: 'text.spelling',
  name: 'Spelling',
  description:
    'Every word of the copy (OCR for images, the text layer for PDFs) is in a hunspell dictionary of one of `languages`, the client’s dictionary or `ignore_words`. ' +
    'URLs, e-mails, numbers, handles and brand-like tokens (™/®, inner capitals, short acronyms) are not judged; OCR words under `min_confidence` are counted, not flagged.',
  appliesTo: ['image', 'pdf', 'video'],
  params: () => z.strictObject({
    languages: languagesParam,
    ignore_words: z.array(z.string().min(1)).default([]).meta({ description: 'Words (brands, product names) accepted as spelled, any case' }),
    min_confidence: z.number().min(0).max(100).default(60).meta({ description: 'OCR words read with less confidence (0..100) are not judged' }),
  }),
  requires: (p) => [requestOf(textContent, { languages: p.languages }), requestOf(spellers, { languages: p.languages }), ...keyframeRequests],
  async run({ params, analyses, client }) {
    const content = await analyses.get(textContent);
    const dictionaries = [...(await analyses.get(spellers)).values()].filter((s) => params.languages.includes(s.language));
    const ignored = new Set([...params.ignore_words, ...(client?.dictionary ?? [])].map((w) => w.toLowerCase()));
    const words = allWords(content);
    const skipped: Partial<Record<SkipReason | 'low_confidence', number>> = {};
    const misspelled: Array<{ word: (typeof words)[number]; part: string }> = [];
    let judged = 0;
    for (const word of words) {
      const reason = skipReason(word.text, ignored);
      if (reason) {
        skipped[reason] = (skipped[reason] ?? 0) + 1;
        continue;
      }
      if (word.confidence !== undefined && word.confidence < params.min_confidence) {
        skipped.low_confidence = (skipped.low_confidence ?? 0) + 1;
        continue;
      }
      for (const part of wordParts(word.text)) {
        if (ignored.has(part.toLowerCase())) continue;
        judged++;
        if (!dictionaries.some((d) => d.correct(part))) misspelled.push({ word, part });
      }
    }
    const measured = {
      words_read: words.length,
      words_checked: judged,
      misspelled: misspelled.length,
      not_judged: skipped,
      languages: params.languages,
      text_source: content.engine, text_read_ms: content.duration_ms,
      ...(client?.dictionary ? { client_dictionary: client.id } : {}),
    };
    const expected = { languages: params.languages, ...(params.ignore_words.length > 0 ? { ignore_words: params.ignore_words } : {}) };
    if (words.length === 0) return { status: 'pass', message: 'no text found to spell-check', measured, expected };
    if (misspelled.length === 0) return { status: 'pass', message: `${judged} words checked, none misspelled (${params.languages.join(', ')})`, measured, expected };
    const items = misspelled.map(({ word, part }, i) => {
      const suggestions = i < MAX_SUGGESTED ? dictionaries.flatMap((d) => d.suggest(part)).filter((s, k, all) => all.indexOf(s) === k).slice(0, 3) : [];
      return { word, part, suggestions };
    });
    const listed = items.slice(0, 8).map(({ word, part, suggestions }) => `"${part}"${placeOf(word)}${suggestions.length > 0 ? ` (${suggestions.join(', ')}?)` : ''}`);
    return {
      status: 'fail',
      message: `${misspelled.length} misspelled word${misspelled.length === 1 ? '' : 's'}: ${listed.join(', ')}${items.length > listed.length ? `, and ${items.length - listed.length} more` : ''} — correct the copy, or add brand words to ignore_words or the client's dictionary`,
      measured: { ...measured, words: items.map((i) => i.part) },
      expected,
      evidence: items.slice(0, MAX_EVIDENCE).map(({ word, part, suggestions }) => wordEvidence(word, suggestions.length > 0 ? `${part} → ${suggestions[0]}?` : part, { suggestions })),
    };
  },
});
