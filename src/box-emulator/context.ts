// What every route plugin is given: the core (Box's rules over the state), the admin surface,
// faults, request listeners and the emulator's process-only state (upload sessions, download
// tokens). Also the request fields the app's hooks fill in (caller, matched fault).
import type { BoxEmulatorAdmin } from './admin.js';
import type { StagedBlob } from './blobs.js';
import type { BoxEmulatorCore } from './core.js';
import type { ActiveFault, FaultTable } from './faults.js';
import type { EmuState } from './state.js';

export interface RequestInfo {
  method: string;
  path: string;
  receivedAt: number;
  requestId: string;
}

export interface SessionPart {
  part_id: string;
  offset: number;
  size: number;
  sha1: string;
  /** The part's bytes, on disk in the blob directory's staging area. */
  blob: StagedBlob;
}

export interface UploadSession {
  id: string;
  userId: string;
  folderId?: string;
  fileId?: string;
  fileName: string;
  fileSize: number;
  partSize: number;
  totalParts: number;
  expiresAt: string;
  parts: Map<number, SessionPart>;
}

export interface EmulatorContext {
  core: BoxEmulatorCore;
  state: EmuState;
  admin: BoxEmulatorAdmin;
  faults: FaultTable;
  listeners: Set<(info: RequestInfo) => void>;
  sessions: Map<string, UploadSession>;
  contentTokens: Map<string, { fileId: string; versionId: string; expiresAt: number }>;
  /** Smallest file a chunked upload session accepts, and the part size it hands out. */
  chunkMin: number;
  partSize: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller (set by the auth hook on Box API routes). */
    boxUserId: string;
    boxClientId: string;
    /** The fault this request consumed, if any (acted on after the handler for the reset kinds). */
    boxFault: ActiveFault | null;
  }
  interface FastifyContextConfig {
    /** Route answers without a bearer token (OAuth, download links). */
    public?: boolean;
  }
}
