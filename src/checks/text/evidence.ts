import type { TextWord } from '../../analysis/text/types.js';
import type { Evidence } from '../../qc/types.js';

/** The report draws at most this many boxes per check; the message gives the full count. */
export const MAX_EVIDENCE = 40;

type PlacedWord = TextWord & { page?: number; time_s?: number };

/** A word's box as evidence (fractions of its page or frame), labelled for the report. */
export function wordEvidence(word: PlacedWord, label: string, detail: Record<string, unknown> = {}): Evidence {
  const r = (n: number) => Math.round(n * 10000) / 10000;
  return {
    label,
    box: { x: r(word.box.x), y: r(word.box.y), w: r(word.box.w), h: r(word.box.h) },
    ...(word.page !== undefined ? { page: word.page } : {}),
    ...(word.time_s !== undefined ? { start_s: word.time_s } : {}),
    detail: { text: word.text, ...(word.confidence !== undefined ? { ocr_confidence: word.confidence } : {}), ...detail },
  };
}

/** One box around several words on the same page (a phrase), line breaks included. */
export function phraseEvidence(words: readonly PlacedWord[], label: string, detail: Record<string, unknown> = {}): Evidence[] {
  const byPage = new Map<string, PlacedWord[]>();
  for (const w of words) {
    const key = `${w.page ?? ''}:${w.time_s ?? ''}`;
    byPage.set(key, [...(byPage.get(key) ?? []), w]);
  }
  return [...byPage.values()].map((ws) => {
    const x = Math.min(...ws.map((w) => w.box.x));
    const y = Math.min(...ws.map((w) => w.box.y));
    const x2 = Math.max(...ws.map((w) => w.box.x + w.box.w));
    const y2 = Math.max(...ws.map((w) => w.box.y + w.box.h));
    const first = ws[0]!;
    return wordEvidence({ ...first, text: ws.map((w) => w.text).join(' '), box: { x, y, w: x2 - x, h: y2 - y }, ...(ws.every((w) => w.confidence !== undefined) ? { confidence: Math.min(...ws.map((w) => w.confidence!)) } : {}) }, label, detail);
  });
}

/** "page 2", "12.0 s" or "" — where a word sits, for messages. */
export function placeOf(word: { page?: number; time_s?: number }): string {
  if (word.page !== undefined) return ` on page ${word.page}`;
  if (word.time_s !== undefined) return ` at ${word.time_s.toFixed(1)} s`;
  return '';
}
