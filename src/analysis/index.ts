/** Kind handlers: how each kind of asset is probed and thumbnailed. One line per family. */
import { ConfigError } from '../config/errors.js';
import type { KindHandler } from '../qc/types.js';
import { aiConfigFromEnv } from './ai/settings.js';
import { audioKind, videoKind } from './av/index.js';
import { imageKind } from './image.js';
import { pdfKind } from './pdf/index.js';

export const builtinKindHandlers: KindHandler[] = [imageKind, videoKind, audioKind, pdfKind];

/**
 * Each family's settings from the environment, for `QcEnvironment.extensions`. Families
 * validate their own entry again when they use it; this is where the variables are named.
 */
export function extensionsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const pdf: Record<string, number> = {};
  const number = (name: string, key: string) => {
    const text = env[name];
    if (text === undefined || text === '') return;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError('environment', [{ path: name, message: `"${text}" is not a positive number`, fix: `set ${name} to a positive number, or unset it for the default` }]);
    }
    pdf[key] = value;
  };
  number('AIQC_PDF_MAX_DETAIL_PAGES', 'max_detail_pages');
  number('AIQC_PDF_MAX_FILE_MB', 'max_file_mb');
  return { ai: aiConfigFromEnv(env), pdf };
}
