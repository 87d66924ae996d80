/**
 * Which tokens of copy are words to spell-check, and how copy is compared with a phrase.
 * Pure functions: no OCR, no dictionaries.
 */

const EDGE_PUNCTUATION = /^[\s"'“”‘’«»()[\]{}<>¡¿*•·–—-]+|[\s"'“”‘’«»()[\]{}<>.,;:!?*•·…–—-]+$/gu;

/** The token without surrounding quotes, brackets and sentence punctuation; ’ becomes '. */
export function bareWord(token: string): string {
  return token.replace(/[’‘]/g, "'").replace(EDGE_PUNCTUATION, '').replace(/'s$/i, '');
}

export type SkipReason = 'number' | 'url' | 'email' | 'handle' | 'brand' | 'acronym' | 'short' | 'ignored';

/**
 * Why a token is not a word the dictionary should judge, or undefined when it is.
 * URLs, e-mails, numbers and brand-like tokens (a ™/® mark, inner capitals like iPhone,
 * all-capital acronyms of up to four letters) are left alone; so are the client's words.
 */
export function skipReason(token: string, ignored: ReadonlySet<string>): SkipReason | undefined {
  const raw = token.trim();
  if (/@/.test(raw)) return /^[^@\s]+@[^@\s]+\.[a-z]{2,}/i.test(raw) ? 'email' : 'handle';
  if (/^#/.test(raw)) return 'handle';
  const trimmed = raw.replace(/[.,;:!?)"'”’]+$/, '');
  if (/^(https?:\/\/|www\.)/i.test(trimmed) || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(\/\S*)?$/i.test(trimmed)) return 'url';
  if (/[™®©]/.test(raw)) return 'brand';
  // Dotted abbreviations (e.g., i.e., U.K.) and ampersand initialisms (T&Cs, M&S, AT&T).
  if (/^(\p{L}\.){2,}\p{L}?\.?$/u.test(raw.replace(/[,;:!?)]+$/, '')) || /^\p{Lu}+&\p{Lu}\p{L}{0,2}$/u.test(bareWord(raw))) return 'acronym';
  const word = bareWord(raw);
  if (ignored.has(word.toLowerCase())) return 'ignored';
  if (/\d/.test(word)) return 'number';
  if (word.length < 2) return 'short';
  if (/[a-z][A-Z]/.test(word)) return 'brand';
  if (/^[A-Z]{2,4}$/.test(word)) return 'acronym';
  return undefined;
}

/** Parts of a token the dictionary judges one by one (hyphenated and slashed compounds). */
export function wordParts(token: string): string[] {
  return bareWord(token)
    .split(/[-/–]/)
    .map(bareWord)
    .filter((p) => /\p{L}/u.test(p));
}

/**
 * Case- and punctuation-insensitive form of a word that also forgives the confusions OCR
 * makes between similar glyphs: l/1/I/i (and | inside a word), O/0, rn/m, vv/w. A real misspelling changes
 * letters outside these classes and so still differs after folding.
 */
export function foldWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .replace(/[^\p{L}\p{N}|]/gu, '')
    .replace(/[1|i]/g, 'l')
    .replace(/0/g, 'o')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}

/** Levenshtein distance; small inputs (a phrase against a few words). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
