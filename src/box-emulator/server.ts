// Start the emulator: load or create its state (metadata in the state file, content in the
// blob directory beside it), build the Fastify app (app.ts) and listen. `startBoxEmulator()`
// is what tests, the demo and the `aiqc-box-emulator` bin call.
import type { AddressInfo } from 'node:net';
import type { BoxEmulatorAdmin } from './admin.js';
import { createAdmin } from './admin.js';
import { buildEmulatorApp } from './app.js';
import { BlobStore } from './blobs.js';
import type { EmulatorContext, RequestInfo } from './context.js';
import type { EmulatorCoreOptions } from './core.js';
import { BoxEmulatorCore } from './core.js';
import { FaultTable } from './faults.js';
import { blobDirFor, createEmptyState, loadStateFile, saveStateFile } from './state.js';
import type { WebhookRetryOptions } from './webhook-delivery.js';

export type { BoxEmulatorAdmin, OAuthStats } from './admin.js';
export type { RequestInfo } from './context.js';
export type { FaultSpec } from './faults.js';
export { isLoopback } from './http.js';

export interface BoxEmulatorOptions extends Omit<EmulatorCoreOptions, 'onChange' | 'webhookRetry'> {
  port?: number;
  host?: string;
  /** Load state from this file if it exists and write every change back to it (content goes to `<file>.blobs/`). */
  statePath?: string;
  webhookRetry?: WebhookRetryOptions;
  /** Smallest file Box accepts for a chunked upload session (Box: 20 MB). */
  chunkedUploadMinBytes?: number;
  /** Part size handed out for upload sessions (Box: 8 MiB for files under 500 MB). */
  chunkedUploadPartBytes?: number;
  /** Webhook signature keys given to the default app (and to apps created later by the CLI). */
  signatureKeys?: { primary?: string; secondary?: string };
}

export interface BoxEmulator {
  /** Base of everything: `http://127.0.0.1:P`. Also the SDK's `baseUrl`. */
  url: string;
  /** The three base URLs box-node-sdk's BaseUrls takes. */
  baseUrls: { baseUrl: string; uploadUrl: string; oauth2Url: string };
  port: number;
  core: BoxEmulatorCore;
  admin: BoxEmulatorAdmin;
  /** Where file content lives: one file per version (a temporary directory without `statePath`). */
  blobDir: string;
  /** Called for every request as soon as its headers arrive (before the body is read). */
  onRequest(listener: (info: RequestInfo) => void): () => void;
  close(): Promise<void>;
}

export async function startBoxEmulator(options: BoxEmulatorOptions = {}): Promise<BoxEmulator> {
  const blobs = options.statePath ? BlobStore.at(blobDirFor(options.statePath)) : BlobStore.temporary();
  const loaded = options.statePath ? loadStateFile(options.statePath, blobs) : undefined;
  const state = loaded ?? createEmptyState(blobs);
  let saveTimer: NodeJS.Timeout | undefined;
  const saveNow = (): void => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (options.statePath) saveStateFile(options.statePath, state);
  };
  const core = new BoxEmulatorCore(state, {
    ...options,
    onChange: () => {
      if (!options.statePath || saveTimer) return;
      saveTimer = setTimeout(saveNow, 50);
    },
  });
  if (state.apps.size === 0) core.createApp('aiqc');
  if (options.signatureKeys) {
    const first = state.apps.values().next().value;
    if (first) core.setSignatureKeys(first.clientId, options.signatureKeys);
  }

  const faults = new FaultTable();
  const ctx: EmulatorContext = {
    core,
    state,
    admin: createAdmin(core, faults),
    faults,
    listeners: new Set(),
    sessions: new Map(),
    contentTokens: new Map(),
    chunkMin: options.chunkedUploadMinBytes ?? 20_000_000,
    partSize: options.chunkedUploadPartBytes ?? 8 * 1024 * 1024,
  };
  const app = await buildEmulatorApp(ctx);
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (err) {
    blobs.close();
    throw err;
  }
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  if (options.statePath) saveNow();

  return {
    url,
    port,
    baseUrls: { baseUrl: url, uploadUrl: `${url}/api`, oauth2Url: `${url}/api/oauth2` },
    core,
    admin: ctx.admin,
    blobDir: blobs.dir,
    onRequest: (listener) => {
      ctx.listeners.add(listener);
      return () => ctx.listeners.delete(listener);
    },
    close: async () => {
      core.dispatcher.close();
      if (options.statePath) saveNow();
      app.server.closeAllConnections();
      await app.close();
      blobs.close();
    },
  };
}
