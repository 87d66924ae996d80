/**
 * The text checks through the real engine, with real OCR (tesseract.js) on images drawn by
 * sharp. OCR costs about a second per image on two cores, so one poster carries every case
 * and is read once for all three checks.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { QcReport } from '../../../src/report/schema.js';
import { reportSchema } from '../../../src/report/schema.js';
import { check, runChecks, textImage } from './helpers.js';

const LINES = [
  { text: 'Summer Sael: Spritzo cocktial glasses', y: 170, size: 72, weight: 'bold' as const },
  { text: 'Guaranteed to cure your Mondays. 30% off until 31/12/2026', y: 330, size: 40 },
  { text: 'Shop www.spritzo-bar.com or mail hello@spritzo-bar.com', y: 450, size: 40 },
  { text: 'Mix it with Smirnoff™ and share on your iPhone', y: 570, size: 40 },
  { text: 'Enjoy Spritzo resposibly', y: 740, size: 44 },
  { text: 'PLEASE DRINK RESPONSIBLY', y: 960, size: 36 },
];

let report: QcReport;
beforeAll(async () => {
  const poster = await textImage('poster-1080p.png', LINES);
  report = await runChecks(
    poster,
    [
      { id: 'text.spelling', params: { languages: ['en'] } },
      { id: 'text.required_phrases', params: { phrases: ['Please drink responsibly', 'Enjoy Spritzo responsibly', 'Terms and conditions apply'] } },
      { id: 'text.forbidden_phrases', params: { phrases: ['cure', 'guaranteed', 'free'] } },
    ],
    { client: { id: 'spritzo', name: 'Spritzo', dictionary: ['Spritzo'] } },
  );
});

describe('text checks on an OCRed 1080p poster', () => {
  test('spelling lists the misspellings with suggestions and boxes where they are drawn', () => {
    const r = check(report, 'text.spelling');
    expect(r.status).toBe('fail');
    expect(r.measured!['words']).toEqual(['Sael', 'cocktial', 'resposibly']);
    expect(r.message).toMatch(/^3 misspelled words: "Sael" \(.*\), "cocktial" \(cocktail.*\), "resposibly" \(responsibly.*\)/);
    const cocktial = r.evidence!.find((e) => e.detail?.['text'] === 'cocktial')!;
    expect(cocktial.label).toBe('cocktial → cocktail?');
    // Drawn at y = 170 px (baseline) in 72 px type on a 1080 px canvas, right half of the line.
    expect(cocktial.box!.y).toBeGreaterThan(0.09);
    expect(cocktial.box!.y + cocktial.box!.h).toBeLessThan(0.19);
    expect(cocktial.box!.x).toBeGreaterThan(0.4);
    expect(cocktial.box!.w).toBeGreaterThan(0.05);
  });

  test('URLs, e-mails, numbers, brand-like tokens and the client’s words are not flagged', () => {
    const r = check(report, 'text.spelling');
    expect(r.measured).toMatchObject({ client_dictionary: 'spritzo', not_judged: expect.objectContaining({ url: 1, email: 1, brand: 2, number: 2, ignored: 2 }) });
    for (const word of ['Spritzo', 'Smirnoff', 'iPhone', 'www', 'hello', '31/12/2026']) expect(JSON.stringify(r.measured!['words'])).not.toContain(word);
  });

  test('required phrases: found in capitals, differing by a real misspelling (named), and missing', () => {
    const r = check(report, 'text.required_phrases');
    expect(r.status).toBe('fail');
    expect(r.measured).toMatchObject({ found: ['Please drink responsibly'], missing: ['Enjoy Spritzo responsibly', 'Terms and conditions apply'] });
    expect(r.message).toContain('"Enjoy Spritzo responsibly" differs: the copy says "Enjoy Spritzo resposibly" ("resposibly" instead of "responsibly")');
    expect(r.message).toContain('"Terms and conditions apply" is missing');
    const found = r.evidence!.find((e) => e.label === 'found: Please drink responsibly')!;
    expect(found.box!.y).toBeGreaterThan(0.82);
  });

  test('forbidden phrases are found with their boxes', () => {
    const r = check(report, 'text.forbidden_phrases');
    expect(r.status).toBe('fail');
    expect(r.measured).toMatchObject({ found: ['cure', 'guaranteed'], occurrences: 2 });
    expect(r.evidence!.map((e) => e.label)).toEqual(['forbidden: cure', 'forbidden: guaranteed']);
  });

  test('the report is valid and the OCR pass was shared', () => {
    expect(reportSchema.safeParse(report).success).toBe(true);
    const durations = ['text.spelling', 'text.required_phrases', 'text.forbidden_phrases'].map((id) => check(report, id).duration_ms);
    // The first check waited for OCR; the others read the memoised text.
    expect(durations[1]! + durations[2]!).toBeLessThan(durations[0]!);
  });
});

describe('languages per profile', () => {
  test('British spelling passes with en-GB and is flagged with en (US)', async () => {
    const img = await textImage('colour.png', [{ text: 'Bold colour, bold flavour', y: 130, size: 56 }], { width: 900, height: 220 });
    const gb = check(await runChecks(img, [{ id: 'text.spelling', params: { languages: ['en-GB'] } }]), 'text.spelling');
    const us = check(await runChecks(img, [{ id: 'text.spelling', params: { languages: ['en'] } }]), 'text.spelling');
    expect(gb.status).toBe('pass');
    expect(us.measured!['words']).toEqual(['colour', 'flavour']);
  });

  test('a language whose dictionary is not installed makes the check skipped with the install step', async () => {
    const img = await textImage('colour.png', [{ text: 'Bold colour, bold flavour', y: 130, size: 56 }], { width: 900, height: 220 });
    const r = check(await runChecks(img, [{ id: 'text.spelling', params: { languages: ['de'] } }]), 'text.spelling');
    expect(r).toMatchObject({ status: 'skipped', message: expect.stringContaining('npm install') });
  });
});
