/**
 * The text of an asset, read once per asset for every text check of the profile: the
 * checks' languages are gathered first, so OCR runs one pass with all of them.
 */
import type { Analysis } from '../../qc/types.js';
import { textSourceFor } from './sources.js';
import type { TextContent, TextRequest } from './types.js';

export const textContent: Analysis<TextContent, TextRequest> = {
  id: 'text.content',
  async compute(ctx, requests) {
    const languages = [...new Set(requests.flatMap((r) => r.languages))].sort();
    if (languages.length === 0) languages.push('en');
    const started = performance.now();
    const { pages, engine } = await textSourceFor(ctx.asset.sniff.kind)(ctx, languages);
    return { pages, languages, engine, duration_ms: Math.round(performance.now() - started) };
  },
};
