/**
 * The version `aiqc --version` prints, read from package.json without loading the QC runtime
 * (src/app/runtime.ts reads the same field for reports).
 */
import { createRequire } from 'node:module';

export const TOOL_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
