/**
 * Everything a caller (CLI, server, worker) needs to run QC, assembled once: the check
 * catalogue, the kind handlers, the profiles and clients (validated at start-up), and the
 * engine's environment.
 */
import { createRequire } from 'node:module';
import { builtinKindHandlers } from '../analysis/index.js';
import { builtinChecks } from '../checks/index.js';
import { loadClientsConfig, type ClientsConfig } from '../config/clients.js';
import { ProfileSet } from '../config/profiles.js';
import { readEnvironment, type Env, type Settings } from '../config/environment.js';
import { CheckCatalogue, KindRegistry } from '../qc/catalogue.js';
import { runQc, type QcDeps, type QcInput } from '../qc/engine.js';
import type { FamilySettings, QcEnvironment } from '../qc/types.js';
import type { QcReport } from '../report/schema.js';

export const TOOL_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export interface QcRuntime {
  settings: Settings;
  catalogue: CheckCatalogue;
  profiles: ProfileSet;
  clients: ClientsConfig;
  deps: QcDeps;
  run(input: QcInput): Promise<QcReport>;
}

export async function createQcRuntime(settings: Settings, extensions: FamilySettings = {}): Promise<QcRuntime> {
  const catalogue = new CheckCatalogue(builtinChecks);
  const kinds = new KindRegistry(builtinKindHandlers);
  const profiles = await ProfileSet.load({ catalogue, configDir: settings.configDir });
  const clients = await loadClientsConfig(settings.configDir, profiles);
  const env: QcEnvironment = {
    maxPixels: settings.maxPixels,
    checkTimeoutMs: settings.checkTimeoutMs,
    ffmpegPath: settings.ffmpegPath,
    ffprobePath: settings.ffprobePath,
    tmpDir: settings.tmpDir,
    extensions,
  };
  const deps: QcDeps = { catalogue, kinds, env, toolVersion: TOOL_VERSION };
  return { settings, catalogue, profiles, clients, deps, run: (input) => runQc(input, deps) };
}

/** The environment sections the QC runtime reads (a service adds its own to report all problems together). */
export const QC_SECTIONS = ['core', 'pdf', 'ai'] as const;

/** The runtime as a process starts it: settings and every family's settings from the environment. */
export function createQcRuntimeFromEnv(env: Env = process.env): Promise<QcRuntime> {
  const e = readEnvironment(env, QC_SECTIONS);
  return createQcRuntime(e.core, { ai: e.ai, pdf: e.pdf });
}
