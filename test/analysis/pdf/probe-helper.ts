/** Runs PDF analyses the way the engine does (memoised store, abort at the end) on one file. */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AnalysisStore } from '../../../src/qc/analyses.js';
import { sniffFile } from '../../../src/qc/sniff.js';
import type { Analysis, FamilySettings } from '../../../src/qc/types.js';
import { testEnv } from '../../checks/pdf/engine.js';

export async function withAnalyses<T>(path: string, use: (get: <A>(a: Analysis<A, never>) => Promise<A>) => Promise<T>, extensions: FamilySettings = {}): Promise<T> {
  const size = (await stat(path)).size;
  const asset = { path, name: basename(path), size_bytes: size, sha256: Promise.resolve('0'.repeat(64)), sniff: await sniffFile(path, size) };
  const abort = new AbortController();
  const store = new AnalysisStore(asset, testEnv(extensions), abort.signal);
  try {
    return await use((a) => store.get(a));
  } finally {
    abort.abort();
  }
}
