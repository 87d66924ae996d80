/** Runs the real engine (real catalogue, real kind handlers) on a file with a hand-made profile. */
import { tmpdir } from 'node:os';
import { builtinKindHandlers } from '../../../src/analysis/index.js';
import { builtinChecks } from '../../../src/checks/index.js';
import { CheckCatalogue, KindRegistry } from '../../../src/qc/catalogue.js';
import { runQc } from '../../../src/qc/engine.js';
import type { FamilySettings, QcEnvironment, ResolvedProfile, Severity } from '../../../src/qc/types.js';
import type { QcReport } from '../../../src/report/schema.js';

export const catalogue = new CheckCatalogue(builtinChecks);
const kinds = new KindRegistry(builtinKindHandlers);

export function testEnv(extensions: FamilySettings = {}): QcEnvironment {
  return { maxPixels: 50_000_000, checkTimeoutMs: 120_000, ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', tmpDir: tmpdir(), extensions };
}

export interface CheckSpec {
  id: string;
  params?: Record<string, unknown>;
  severity?: Severity;
}

/** Params go through each check's own schema, as ProfileSet does for YAML profiles. */
export function profileOf(checks: CheckSpec[], id = 'test_pdf'): ResolvedProfile {
  return {
    id,
    name: id,
    applies_to: ['pdf'],
    source: 'test',
    checks: checks.map((c) => {
      const def = catalogue.get(c.id);
      if (!def) throw new Error(`unknown check ${c.id}`);
      return { id: c.id, severity: c.severity ?? 'error', params: def.params.parse(c.params ?? {}) };
    }),
  };
}

export function runPdf(path: string, checks: CheckSpec[] | ResolvedProfile, extensions: FamilySettings = {}): Promise<QcReport> {
  const profile = Array.isArray(checks) ? profileOf(checks) : checks;
  return runQc({ path, profile }, { catalogue, kinds, env: testEnv(extensions), toolVersion: 'test' });
}

export function checkOf(report: QcReport, id: string): QcReport['checks'][number] {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} in the report: ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}
