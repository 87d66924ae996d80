import { z } from 'zod';
import { textContent } from '../../analysis/text/content.js';
import { keyframeRequests } from '../../analysis/text/keyframes.js';
import { languagesParam } from '../../analysis/text/languages.js';
import { allWords } from '../../analysis/text/types.js';
import { requestOf } from '../../qc/types.js';
import { defineCheck } from '../define.js';
import { phraseEvidence } from './evidence.js';
import { closestToPhrase, findPhrase } from './phrases.js';

/** Below this similarity the closest words are not "the phrase, misspelled" but something else. */
const NEAR_MISS = 0.6;

export const textRequiredPhrases = defineCheck({
  id: 'text.required_phrases',
  name: 'Required phrases',
  description:
    'Each of `phrases` (legal lines, responsible-drinking messages…) appears in the copy. Case, punctuation and line breaks do not matter, nor OCR glyph confusions ' +
    '(l/1/I, O/0, rn/m); any other difference does, and the message says which words differ. A difference read with low OCR confidence is a warning to look, not a fail.',
  appliesTo: ['image', 'pdf', 'video'],
  params: () => z.strictObject({
    phrases: z.array(z.string().trim().min(1)).min(1).meta({ description: 'e.g. ["Please drink responsibly"]' }),
    languages: languagesParam,
    low_confidence: z.number().min(0).max(100).default(70).meta({ description: 'OCR confidence under which a differing word may be a misread' }),
  }),
  requires: (p) => [requestOf(textContent, { languages: p.languages }), ...keyframeRequests],
  async run({ params, analyses }) {
    const content = await analyses.get(textContent);
    const words = allWords(content);
    const found: string[] = [];
    const missing: string[] = [];
    const misread: string[] = [];
    const notes: string[] = [];
    const evidence = [];
    for (const phrase of params.phrases) {
      const match = findPhrase(words, phrase)[0];
      if (match) {
        found.push(phrase);
        evidence.push(...phraseEvidence(match.indices.map((i) => words[i]!), `found: ${phrase}`));
        continue;
      }
      const near = closestToPhrase(words, phrase, params.low_confidence);
      if (near && near.similarity >= NEAR_MISS) {
        const diffs = near.differences.map((d) => (d.found ? `"${d.found}" instead of "${d.expected}"` : `"${d.expected}" missing`)).join(', ');
        if (near.uncertain) {
          misread.push(phrase);
          notes.push(`"${phrase}" reads as "${near.found}" (${diffs}), with low OCR confidence: check it by eye`);
        } else {
          missing.push(phrase);
          notes.push(`"${phrase}" differs: the copy says "${near.found}" (${diffs})`);
        }
        evidence.push(...phraseEvidence(near.indices.map((i) => words[i]!), `differs: ${phrase}`, { found: near.found, differences: near.differences }));
      } else {
        missing.push(phrase);
        notes.push(`"${phrase}" is missing`);
      }
    }
    const measured = { found, missing, ...(misread.length > 0 ? { uncertain: misread } : {}), words_read: words.length, text_source: content.engine, text_read_ms: content.duration_ms };
    const expected = { phrases: params.phrases };
    if (missing.length > 0) return { status: 'fail', message: `${notes.join('; ')} — add the exact wording to the artwork`, measured, expected, evidence };
    if (misread.length > 0) return { status: 'warn', message: notes.join('; '), measured, expected, evidence };
    return { status: 'pass', message: `all ${found.length} required phrase${found.length === 1 ? '' : 's'} found`, measured, expected, evidence };
  },
});
