import { describe, expect, test } from 'vitest';
import { closestToPhrase, findPhrase, type PhraseWord } from '../../../src/checks/text/phrases.js';
import { foldWord, skipReason, wordParts } from '../../../src/checks/text/words.js';

const words = (text: string, confidence = 95): PhraseWord[] => text.split(/\s+/).map((t) => ({ text: t, confidence }));

describe('which tokens the spelling check judges', () => {
  const none = new Set<string>();
  test.each([
    ['www.example.com', 'url'],
    ['https://example.com/offer?x=1', 'url'],
    ['example.co.uk.', 'url'],
    ['hello@example.com', 'email'],
    ['@acme', 'handle'],
    ['#DrinkResponsibly', 'handle'],
    ['30%', 'number'],
    ['31/12/2026', 'number'],
    ['18+', 'number'],
    ['4K', 'number'],
    ['Smirnoff™', 'brand'],
    ['Acme®', 'brand'],
    ['iPhone', 'brand'],
    ['PlayStation', 'brand'],
    ['ABV', 'acronym'],
    ['e.g.', 'acronym'],
    ['U.K.,', 'acronym'],
    ['T&Cs', 'acronym'],
    ['M&S', 'acronym'],
    ['&', 'short'],
  ])('%s is not judged (%s)', (token, reason) => {
    expect(skipReason(token, none)).toBe(reason);
  });

  test('ordinary words, all-capital headline words and misspellings are judged', () => {
    for (const t of ['Summer', 'SUMMER', 'cocktial', '"Sael!"', 'responsibly.']) expect(skipReason(t, none)).toBeUndefined();
  });

  test('ignore words and client words match in any case, with punctuation around them', () => {
    expect(skipReason('SPRITZO,', new Set(['spritzo']))).toBe('ignored');
  });

  test('compounds are judged part by part; quotes and possessives are stripped', () => {
    expect(wordParts('well-made/hand-picked')).toEqual(['well', 'made', 'hand', 'picked']);
    expect(wordParts('“Acme’s”')).toEqual(['Acme']);
  });
});

describe('phrase matching', () => {
  test('folding forgives case, punctuation and OCR glyph confusions only', () => {
    expect(foldWord('Responsib1y.')).toBe(foldWord('responsibly'));
    expect(foldWord('C0LD')).toBe(foldWord('cold'));
    expect(foldWord('rnodern')).toBe(foldWord('modern'));
    expect(foldWord('responsibley')).not.toBe(foldWord('responsibly'));
    expect(foldWord('Plese')).not.toBe(foldWord('Please'));
  });

  test('a phrase is found across line breaks, case and punctuation, and OCR splitting a word', () => {
    expect(findPhrase(words('Enjoy. PLEASE DRINK Responsib1y! 18+'), 'Please drink responsibly')).toEqual([{ indices: [1, 2, 3] }]);
    expect(findPhrase(words('please drink respon sibly'), 'Please drink responsibly')).toEqual([{ indices: [0, 1, 2, 3] }]);
  });

  test('a phrase must start and end on word boundaries', () => {
    expect(findPhrase(words('therapist notes'), 'rapist')).toEqual([]);
    expect(findPhrase(words('cures everything'), 'cure')).toEqual([]);
  });

  test('a real misspelling is a near miss that names the differing word', () => {
    const near = closestToPhrase(words('Summer time. Please drink responsibley. Terms apply'), 'Please drink responsibly');
    expect(findPhrase(words('Please drink responsibley'), 'Please drink responsibly')).toEqual([]);
    expect(near).toMatchObject({ found: 'Please drink responsibley.', differences: [{ expected: 'responsibly', found: 'responsibley.' }], uncertain: false });
    expect(near!.similarity).toBeGreaterThan(0.9);
  });

  test('a difference read with low OCR confidence is marked uncertain', () => {
    const ws = [...words('Please drink'), { text: 'respomsibly', confidence: 41 }];
    expect(closestToPhrase(ws, 'Please drink responsibly')).toMatchObject({ uncertain: true });
  });

  test('a missing word is named', () => {
    expect(closestToPhrase(words('Please responsibly'), 'Please drink responsibly')).toMatchObject({ differences: [{ expected: 'drink' }] });
  });
});
