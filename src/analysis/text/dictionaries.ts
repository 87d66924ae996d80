/**
 * Hunspell dictionaries from npm (`dictionary-en`, `dictionary-en-gb`, …) read through
 * nspell. Loading one takes a few hundred milliseconds and the data never changes while
 * the process runs, so each is built once per process (and per `DictionaryLoader`) and
 * shared by every asset.
 */
import { ToolMissingError } from '../../qc/errors.js';
import type { Analysis } from '../../qc/types.js';
import { LANGUAGES } from './languages.js';

export interface Speller {
  language: string;
  correct(word: string): boolean;
  suggest(word: string): string[];
}

export class DictionaryLoader {
  private readonly loaded = new Map<string, Promise<Speller>>();

  /** `importer` is how a dictionary package is read; tests may point it elsewhere. */
  constructor(private readonly importer: (pkg: string) => Promise<{ default: { aff: Uint8Array; dic: Uint8Array } }> = (pkg) => import(pkg)) {}

  get(language: string): Promise<Speller> {
    let speller = this.loaded.get(language);
    if (!speller) {
      speller = this.load(language);
      // A failed load (package missing) is retried next time, after someone installs it.
      speller.catch(() => this.loaded.delete(language));
      this.loaded.set(language, speller);
    }
    return speller;
  }

  private async load(language: string): Promise<Speller> {
    const pkg = LANGUAGES[language]?.dictionary;
    if (!pkg) throw new Error(`no dictionary is known for language "${language}"`);
    let dictionary: { aff: Uint8Array; dic: Uint8Array };
    try {
      dictionary = (await this.importer(pkg)).default;
    } catch (err) {
      throw new ToolMissingError(`the ${language} spelling dictionary`, `npm install ${pkg} (in the aiqc installation)`, { cause: err });
    }
    // nspell (19 modules) loads with the first dictionary, not with every `aiqc` start.
    const { default: NSpell } = await import('nspell');
    const spell = NSpell({ aff: Buffer.from(dictionary.aff), dic: Buffer.from(dictionary.dic) });
    return { language, correct: (w) => spell.correct(w), suggest: (w) => spell.suggest(w) };
  }
}

const processDictionaries = new DictionaryLoader();

export interface SpellingRequest {
  languages: readonly string[];
}

/** The spellers for every language the profile's checks name, keyed by language code. */
export const spellers: Analysis<Map<string, Speller>, SpellingRequest> = {
  id: 'text.spellers',
  async compute(_ctx, requests) {
    const languages = [...new Set(requests.flatMap((r) => r.languages))];
    const entries = await Promise.all(languages.map(async (l) => [l, await processDictionaries.get(l)] as const));
    return new Map(entries);
  },
};
