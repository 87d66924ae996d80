import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../src/config/environment.js';
import { createQcRuntime, type QcRuntime } from '../../src/app/runtime.js';

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    configDir: join(tmpdir(), 'aiqc-no-config'),
    dataDir: join(tmpdir(), 'aiqc-test-data'),
    maxPixels: 150_000_000,
    checkTimeoutMs: 60_000,
    ffmpegPath: process.env.FFMPEG_PATH ?? 'ffmpeg',
    ffprobePath: process.env.FFPROBE_PATH ?? 'ffprobe',
    tmpDir: tmpdir(),
    ...overrides,
  };
}

/** The real runtime (built-in catalogue, kinds and profiles) with test settings. */
export function testRuntime(overrides: Partial<Settings> = {}): Promise<QcRuntime> {
  return createQcRuntime(testSettings(overrides));
}

/** A temp folder removed by the returned cleanup. */
export async function tempDir(prefix = 'aiqc-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

import type { CheckCatalogue } from '../../src/qc/catalogue.js';
import type { ResolvedProfile, Severity } from '../../src/qc/types.js';

/** A profile built in the test, its params parsed by each check's real schema. */
export function inlineProfile(
  catalogue: CheckCatalogue,
  checks: Array<{ id: string; params?: Record<string, unknown>; severity?: Severity; weight?: number }>,
  id = 'inline_test',
): ResolvedProfile {
  return {
    id,
    name: 'Inline test profile',
    applies_to: ['image', 'pdf', 'video', 'audio'],
    source: 'test',
    checks: checks.map((c) => {
      const def = catalogue.get(c.id);
      if (!def) throw new Error(`no check ${c.id}`);
      return { id: c.id, severity: c.severity ?? 'error', ...(c.weight !== undefined ? { weight: c.weight } : {}), params: def.params.parse(c.params ?? {}) };
    }),
  };
}
