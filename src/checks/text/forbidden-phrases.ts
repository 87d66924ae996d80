import { z } from 'zod';
import { textContent } from '../../analysis/text/content.js';
import { keyframeRequests } from '../../analysis/text/keyframes.js';
import { languagesParam } from '../../analysis/text/languages.js';
import { allWords } from '../../analysis/text/types.js';
import { requestOf } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { MAX_EVIDENCE, phraseEvidence, placeOf } from './evidence.js';
import { findPhrase } from './phrases.js';

export const textForbiddenPhrases = defineCheck({
  id: 'text.forbidden_phrases',
  name: 'Forbidden phrases',
  description: 'None of `phrases` (claims, competitor names, outdated slogans…) appears in the copy, ignoring case, punctuation, line breaks and OCR glyph confusions.',
  appliesTo: ['image', 'pdf', 'video'],
  params: () => z.strictObject({
    phrases: z.array(z.string().trim().min(1)).min(1).meta({ description: 'e.g. ["guaranteed", "cures"]' }),
    languages: languagesParam,
  }),
  requires: (p) => [requestOf(textContent, { languages: p.languages }), ...keyframeRequests],
  async run({ params, analyses }) {
    const content = await analyses.get(textContent);
    const words = allWords(content);
    const hits = params.phrases.flatMap((phrase) => findPhrase(words, phrase).map((m) => ({ phrase, words: m.indices.map((i) => words[i]!) })));
    const measured = { found: [...new Set(hits.map((h) => h.phrase))], occurrences: hits.length, words_read: words.length, text_source: content.engine, text_read_ms: content.duration_ms };
    const expected = { absent: params.phrases };
    if (hits.length === 0) return { status: 'pass', message: `none of the ${params.phrases.length} forbidden phrase${params.phrases.length === 1 ? '' : 's'} found`, measured, expected };
    return {
      status: 'fail',
      message: `forbidden wording found: ${hits
        .slice(0, 8)
        .map((h) => {
          const said = h.words.map((w) => w.text).join(' ');
          return `"${said}"${placeOf(h.words[0]!)}${said.toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '') === h.phrase.toLowerCase() ? '' : ` (matches "${h.phrase}")`}`;
        })
        .join(', ')} — remove or reword it`,
      measured,
      expected,
      evidence: hits.slice(0, MAX_EVIDENCE).flatMap((h) => phraseEvidence(h.words, `forbidden: ${h.phrase}`)),
    };
  },
});
