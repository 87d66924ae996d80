/**
 * Finding a phrase in the words of an asset, forgiving case, punctuation, line breaks,
 * words split or joined by OCR, and OCR glyph confusions — but nothing else.
 */
import { editDistance, foldWord } from './words.js';

export interface PhraseWord {
  text: string;
  confidence?: number;
}

export interface PhraseMatch {
  /** Indices into the words searched, in order. */
  indices: number[];
}

export interface NearMiss extends PhraseMatch {
  /** What the asset says there, as read. */
  found: string;
  /** 0..1, 1 meaning identical after folding. */
  similarity: number;
  /** Words of the phrase not found as such, each with what stands in its place. */
  differences: Array<{ expected: string; found?: string }>;
  /** True when every differing word was read with low OCR confidence: maybe a misread, not a misspelling. */
  uncertain: boolean;
}

interface Stream {
  text: string;
  /** For each word: where it starts and ends in `text` (end exclusive); -1 for words that fold to nothing. */
  spans: Array<[number, number]>;
}

function streamOf(words: readonly PhraseWord[]): Stream {
  let text = '';
  const spans: Array<[number, number]> = [];
  for (const w of words) {
    const f = foldWord(w.text);
    if (!f) {
      spans.push([-1, -1]);
      continue;
    }
    spans.push([text.length, text.length + f.length]);
    text += f;
  }
  return { text, spans };
}

function phraseKey(phrase: string): string {
  return phrase.split(/\s+/).map(foldWord).join('');
}

/** Every place the phrase occurs, starting and ending on word boundaries. */
export function findPhrase(words: readonly PhraseWord[], phrase: string): PhraseMatch[] {
  const needle = phraseKey(phrase);
  if (!needle) return [];
  const { text, spans } = streamOf(words);
  const starts = new Map<number, number>();
  const ends = new Map<number, number>();
  spans.forEach(([s, e], i) => {
    if (s < 0) return;
    starts.set(s, i);
    ends.set(e, i);
  });
  const matches: PhraseMatch[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const first = starts.get(at);
    const last = ends.get(at + needle.length);
    if (first === undefined || last === undefined) continue;
    matches.push({ indices: range(first, last).filter((i) => spans[i]![0] >= 0) });
  }
  return matches;
}

/**
 * The stretch of words closest to the phrase, when nothing matches exactly. Windows of the
 * phrase's word count ±1 are compared on their folded letters.
 */
export function closestToPhrase(words: readonly PhraseWord[], phrase: string, lowConfidence = 70): NearMiss | undefined {
  const tokens = phrase.split(/\s+/).filter((t) => foldWord(t));
  const needle = tokens.map(foldWord).join('');
  const kept = words.map((w, i) => ({ ...w, i, f: foldWord(w.text) })).filter((w) => w.f);
  if (!needle || kept.length === 0) return undefined;
  let best: { from: number; to: number; d: number } | undefined;
  for (let size = Math.max(1, tokens.length - 1); size <= tokens.length + 1; size++) {
    for (let from = 0; from + size <= kept.length; from++) {
      const window = kept.slice(from, from + size).map((w) => w.f).join('');
      const d = editDistance(needle, window);
      if (!best || d < best.d) best = { from, to: from + size, d };
    }
  }
  if (!best) return undefined;
  const window = kept.slice(best.from, best.to);
  const similarity = 1 - best.d / Math.max(needle.length, window.map((w) => w.f).join('').length);
  const unused = new Set(window.map((_, k) => k));
  const differences: NearMiss['differences'] = [];
  const differing: typeof window = [];
  tokens.forEach((t, k) => {
    const f = foldWord(t);
    const same = [...unused].find((u) => window[u]!.f === f);
    if (same !== undefined) {
      unused.delete(same);
      return;
    }
    // The window word in the same position, or the closest leftover, stands in its place.
    const candidates = [...unused];
    const standIn = candidates.sort((a, b) => editDistance(f, window[a]!.f) - editDistance(f, window[b]!.f) || Math.abs(a - k) - Math.abs(b - k))[0];
    if (standIn !== undefined && editDistance(f, window[standIn]!.f) <= Math.max(2, f.length / 2)) {
      unused.delete(standIn);
      differing.push(window[standIn]!);
      differences.push({ expected: t, found: window[standIn]!.text });
    } else {
      differences.push({ expected: t });
    }
  });
  const uncertain = differing.length > 0 && differences.every((d) => d.found !== undefined) && differing.every((w) => w.confidence !== undefined && w.confidence < lowConfidence);
  return { indices: window.map((w) => w.i), found: window.map((w) => w.text).join(' '), similarity, differences, uncertain };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}
