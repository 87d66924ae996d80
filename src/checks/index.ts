/**
 * The built-in check catalogue: one line per family. A new family (video, PDF, text/AI)
 * adds its array here and its kind handler in src/analysis/index.ts — nothing else in the
 * engine changes.
 */
import type { CheckDefinition } from '../qc/types.js';
import { audioChecks } from './audio/index.js';
import { fileChecks } from './file/index.js';
import { imageChecks } from './image/index.js';
import { textChecks } from './text/index.js';
import { aiChecks } from './ai/index.js';
import { videoChecks } from './video/index.js';
import { pdfChecks } from './pdf/index.js';

export const builtinChecks: CheckDefinition<never>[] = [
  ...(fileChecks as CheckDefinition<never>[]),
  ...(imageChecks as CheckDefinition<never>[]),
  ...(textChecks as CheckDefinition<never>[]),
  ...(aiChecks as CheckDefinition<never>[]),
  ...(videoChecks as CheckDefinition<never>[]),
  ...(audioChecks as CheckDefinition<never>[]),
  ...(pdfChecks as CheckDefinition<never>[]),
];
