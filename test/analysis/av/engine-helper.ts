/** Runs the real engine (real catalogue, real kind handlers, real ffmpeg) on one file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinKindHandlers } from '../../../src/analysis/index.js';
import { builtinChecks } from '../../../src/checks/index.js';
import { ProfileSet } from '../../../src/config/profiles.js';
import { readEnvironment } from '../../../src/config/environment.js';
import { CheckCatalogue, KindRegistry } from '../../../src/qc/catalogue.js';
import { runQc } from '../../../src/qc/engine.js';
import type { QcEnvironment, ResolvedProfile, Severity } from '../../../src/qc/types.js';
import type { QcReport } from '../../../src/report/schema.js';

export const catalogue = new CheckCatalogue(builtinChecks);
export const kinds = new KindRegistry(builtinKindHandlers);

export function testEnv(overrides: Partial<QcEnvironment> = {}): QcEnvironment {
  const s = readEnvironment(process.env, ['core']).core;
  return { maxPixels: s.maxPixels, checkTimeoutMs: 60_000, ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath, tmpDir: tmpdir(), extensions: {}, ...overrides };
}

/** A profile made on the spot: each check's params go through its own schema, as from YAML. */
export function adHocProfile(checks: Array<{ id: string; params?: Record<string, unknown>; severity?: Severity }>): ResolvedProfile {
  return {
    id: 'test',
    name: 'Test profile',
    applies_to: ['video', 'audio'],
    source: 'test',
    checks: checks.map((c) => {
      const def = catalogue.get(c.id);
      if (!def) throw new Error(`no check ${c.id}`);
      return { id: c.id, severity: c.severity ?? 'error', params: def.params.parse(c.params ?? {}) };
    }),
  };
}

let profiles: Promise<ProfileSet> | undefined;
export function builtinProfile(id: string): Promise<ResolvedProfile> {
  profiles ??= ProfileSet.load({ catalogue });
  return profiles.then((p) => p.get(id));
}

export function qc(path: string, profile: ResolvedProfile, env: QcEnvironment = testEnv(), signal?: AbortSignal): Promise<QcReport> {
  return runQc({ path, profile, ...(signal ? { signal } : {}) }, { catalogue, kinds, env, toolVersion: 'test' });
}

export function checkOf(report: QcReport, id: string) {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in report: ${report.checks.map((x) => x.id).join(', ')}`);
  return c;
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'aiqc-av-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
