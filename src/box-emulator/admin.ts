// Seed and inspect the emulator in-process. The same operations are served at `/_admin/…`
// (routes/admin.ts) for callers on this machine only.
import type { BoxAppConfigJson } from './apps.js';
import type { BoxEmulatorCore } from './core.js';
import type { FaultSpec, FaultTable } from './faults.js';
import type { CollaborationRole, EmuApp, EmuFile, EmuFolder, EmuState, EmuUser } from './state.js';
import type { DeliveryAttempt } from './webhook-delivery.js';

export interface OAuthStats {
  /** Successful refresh_token grants since start. */
  refreshes: number;
  /** Live (issued, not revoked) access and refresh tokens. */
  access_tokens: number;
  refresh_tokens: number;
}

/** Seed and inspect the emulator in-process; the same operations exist at `/_admin/…` over HTTP. */
export interface BoxEmulatorAdmin {
  /** The app created at start-up (or loaded from state): its config is what `--write-app-config` writes. */
  defaultApp(): { app: EmuApp; config: BoxAppConfigJson; serviceAccount: EmuUser };
  createApp(name?: string): { app: EmuApp; config: BoxAppConfigJson; serviceAccount: EmuUser };
  setSignatureKeys(clientId: string, keys: { primary?: string | null; secondary?: string | null }): void;
  createUser(input: { name: string; login?: string }): EmuUser;
  createFolder(input: { name: string; parentId?: string; ownerId: string }): EmuFolder;
  collaborate(input: { folderId: string; userId: string; role: CollaborationRole }): { id: string };
  removeCollaboration(id: string): void;
  /** Upload as a user (a new version when the name exists), firing webhooks like Box. */
  uploadAs(input: { userId: string; folderId: string; name: string; content: Buffer | string }): EmuFile;
  moveAs(input: { userId: string; fileId: string; parentId: string; name?: string }): EmuFile;
  deliveries(): DeliveryAttempt[];
  /** Resolves when no webhook delivery is pending (all succeeded or gave up). */
  waitForDeliveries(): Promise<void>;
  injectFault(spec: FaultSpec): string;
  clearFaults(): void;
  faults(): Array<FaultSpec & { id: string; hits: number; remaining: number }>;
  expireAllTokens(): number;
  /** Token counts, for tests of a client's refresh behaviour (also `GET /_admin/oauth/stats`). */
  oauthStats(): OAuthStats;
  state: EmuState;
}

export function createAdmin(core: BoxEmulatorCore, faults: FaultTable): BoxEmulatorAdmin {
  const state = core.state;
  const firstApp = (): EmuApp => {
    const app = state.apps.values().next().value;
    if (!app) throw new Error('emulator invariant: no app');
    return app;
  };
  return {
    state,
    defaultApp: () => {
      const app = firstApp();
      return { app, config: core.appConfig(app.clientId), serviceAccount: core.requireUser(app.serviceAccountId) };
    },
    createApp: (name) => core.createApp(name),
    setSignatureKeys: (clientId, keys) => void core.setSignatureKeys(clientId, keys),
    createUser: (input) => core.createUser(input),
    createFolder: (input) => core.createFolder(input.ownerId, input.parentId ?? '0', input.name, { asAdmin: true }),
    collaborate: (input) => core.collaborate(input),
    removeCollaboration: (id) => core.removeCollaboration(id),
    uploadAs: (input) => {
      const content = typeof input.content === 'string' ? Buffer.from(input.content) : input.content;
      return uploadOrVersion(core, input.userId, input.folderId, input.name, content);
    },
    moveAs: (input) =>
      core.updateFile(input.userId, input.fileId, { parentId: input.parentId, ...(input.name !== undefined && { name: input.name }) }, { asAdmin: true }),
    deliveries: () => core.deliveries(),
    waitForDeliveries: () => core.dispatcher.whenIdle(),
    injectFault: (spec) => faults.inject(spec),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    expireAllTokens: () => core.tokens.expireAll(),
    oauthStats: () => ({
      refreshes: core.tokens.refreshCount,
      access_tokens: core.tokens.accessTokens.size,
      refresh_tokens: core.tokens.refreshTokens.size,
    }),
  };
}

/** An admin upload: a new version when the folder already holds the name, else a new file. */
export function uploadOrVersion(
  core: BoxEmulatorCore,
  userId: string,
  folderId: string,
  name: string,
  content: Parameters<BoxEmulatorCore['uploadFile']>[3],
): EmuFile {
  const lower = name.toLowerCase();
  const existing = [...core.state.files.values()].find((f) => f.parentId === folderId && f.name.toLowerCase() === lower && !f.trashedAt);
  if (existing) return core.uploadNewVersion(userId, existing.id, content, { asAdmin: true });
  return core.uploadFile(userId, folderId, name, content, { asAdmin: true });
}
