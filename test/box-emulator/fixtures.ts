// Shared set-up for tests that talk to the Box emulator: a running emulator, the default
// app's config written to disk like Box's console download, and a small seeded world.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoxClient, BoxJwtAuth, JwtConfig } from 'box-node-sdk';
import { BaseUrls, BoxRetryStrategy, NetworkSession } from 'box-node-sdk/networking';
import type { BoxEmulator, BoxEmulatorOptions, EmuFolder, EmuUser } from '../../src/box-emulator/index.js';
import { startBoxEmulator } from '../../src/box-emulator/index.js';

export interface SeededEmulator {
  emulator: BoxEmulator;
  dir: string;
  jwtConfigPath: string;
  serviceAccount: EmuUser;
  clientId: string;
  clientSecret: string;
  enterpriseId: string;
  /** A person in the enterprise who owns the client folders, as in a real Box account. */
  owner: EmuUser;
  /** Collaborated with the service account as editor. */
  incoming: EmuFolder;
  reports: EmuFolder;
  /** Exists but the service account was never invited. */
  privateFolder: EmuFolder;
  /** The service account is only a viewer here. */
  viewerFolder: EmuFolder;
  close(): Promise<void>;
}

/**
 * Tests receive webhooks on plain http on loopback, which Box (and the emulator by default)
 * refuses: the seeded emulator allows it unless the test says `allowInsecureWebhooks: false`.
 */
export async function startSeededEmulator(options: BoxEmulatorOptions = {}): Promise<SeededEmulator> {
  const emulator = await startBoxEmulator({ allowInsecureWebhooks: true, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'aiqc-box-'));
  const { config, serviceAccount, app } = emulator.admin.defaultApp();
  const jwtConfigPath = join(dir, 'box-config.json');
  writeFileSync(jwtConfigPath, JSON.stringify(config));
  const owner = emulator.admin.createUser({ name: 'Dana Owner', login: 'dana@example.com' });
  const incoming = emulator.admin.createFolder({ name: 'Diageo INCOMING', ownerId: owner.id });
  const reports = emulator.admin.createFolder({ name: 'Diageo REPORTS', ownerId: owner.id });
  const privateFolder = emulator.admin.createFolder({ name: 'Private', ownerId: owner.id });
  const viewerFolder = emulator.admin.createFolder({ name: 'Read only', ownerId: owner.id });
  emulator.admin.collaborate({ folderId: incoming.id, userId: serviceAccount.id, role: 'editor' });
  emulator.admin.collaborate({ folderId: reports.id, userId: serviceAccount.id, role: 'editor' });
  emulator.admin.collaborate({ folderId: viewerFolder.id, userId: serviceAccount.id, role: 'viewer' });
  return {
    emulator,
    dir,
    jwtConfigPath,
    serviceAccount,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    enterpriseId: config.enterpriseID,
    owner,
    incoming,
    reports,
    privateFolder,
    viewerFolder,
    close: async () => {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The official SDK, configured exactly as a user would, pointed at the emulator. */
export function sdkClient(seed: SeededEmulator, retryStrategy = new BoxRetryStrategy({ retryBaseInterval: 0.01 })): BoxClient {
  const auth = new BoxJwtAuth({ config: JwtConfig.fromConfigFile(seed.jwtConfigPath) });
  const networkSession = new NetworkSession({
    baseUrls: new BaseUrls(seed.emulator.baseUrls),
    retryStrategy,
  });
  return new BoxClient({ auth, networkSession });
}
