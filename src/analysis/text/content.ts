/**
 * The text of an asset, read once per asset for every text check of the profile: the
 * checks' languages are gathered first, so OCR runs one pass with all of them.
 */
import type { Analysis, AssetKind, QcEnvironment } from '../../qc/types.js';
import { TEXT_SOURCES, textSourceFor, type TextSource } from './sources.js';
import type { TextContent, TextRequest } from './types.js';

/**
 * `env.extensions.text`: text sources supplied by the caller, by kind, on top of the
 * built-in ones — how a family that is not built in (or a test) plugs in its text.
 */
export interface TextExtension {
  sources?: Partial<Record<AssetKind, TextSource>>;
}

declare module '../../qc/types.js' {
  interface FamilySettings {
    text?: TextExtension;
  }
}

function sourcesOf(env: QcEnvironment): Partial<Record<AssetKind, TextSource>> {
  return { ...TEXT_SOURCES, ...(env.extensions.text?.sources ?? {}) };
}

export const textContent: Analysis<TextContent, TextRequest> = {
  id: 'text.content',
  async compute(ctx, requests) {
    const languages = [...new Set(requests.flatMap((r) => r.languages))].sort();
    if (languages.length === 0) languages.push('en');
    const started = performance.now();
    const { pages, engine } = await textSourceFor(ctx.asset.sniff.kind, sourcesOf(ctx.env))(ctx, languages);
    return { pages, languages, engine, duration_ms: Math.round(performance.now() - started) };
  },
};
