/** Shared wording and limits for the pdf.* checks' findings. */
import type { Evidence } from '../../qc/types.js';
import type { PdfDetails } from '../../analysis/pdf/index.js';

/** A report stays readable: at most this many evidence items per check, then a summary line. */
export const MAX_EVIDENCE = 50;

export function capEvidence(items: Evidence[]): Evidence[] {
  if (items.length <= MAX_EVIDENCE) return items;
  return [...items.slice(0, MAX_EVIDENCE), { label: `… and ${items.length - MAX_EVIDENCE} more findings (not listed)` }];
}

/** [1,2,3,5,7,8] → "1–3, 5, 7–8"; long lists are shortened. */
export function pageRanges(pages: readonly number[], maxRanges = 8): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  const shown = ranges.slice(0, maxRanges).join(', ');
  return ranges.length > maxRanges ? `${shown} …` : shown;
}

export function pagesWord(pages: readonly number[]): string {
  return `${new Set(pages).size === 1 ? 'page' : 'pages'} ${pageRanges(pages)}`;
}

/** " (first 100 of 2000 pages examined)" when the probe stopped early, else "". */
export function coverage(d: PdfDetails): string {
  return d.detail_pages < d.page_count ? ` (first ${d.detail_pages} of ${d.page_count} pages examined)` : '';
}

export const MM_PER_PT = 25.4 / 72;

export function mm(pt: number): number {
  return Math.round(pt * MM_PER_PT * 10) / 10;
}
