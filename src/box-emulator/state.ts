// The emulator's world: users, apps, folders, files, collaborations and webhooks, held in
// memory and optionally persisted as one JSON file. Pure data plus the access rules Box
// applies to it; nothing here speaks HTTP.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import type { BlobStore } from './blobs.js';

export type CollaborationRole =
  | 'co-owner'
  | 'editor'
  | 'viewer uploader'
  | 'previewer uploader'
  | 'viewer'
  | 'previewer'
  | 'uploader';

/** `owner` is implied by ownership; the rest come from collaborations. */
export type Role = 'owner' | CollaborationRole;

export const COLLABORATION_ROLES: readonly CollaborationRole[] = [
  'co-owner',
  'editor',
  'viewer uploader',
  'previewer uploader',
  'viewer',
  'previewer',
  'uploader',
];

export interface EmuUser {
  id: string;
  name: string;
  login: string;
  createdAt: string;
  /** Set for an app's service account ("AutomationUser_…@boxdevedition.com"). */
  serviceAccountOf?: string;
}

export interface EmuApp {
  clientId: string;
  clientSecret: string;
  name: string;
  publicKeyId: string;
  publicKeyPem: string;
  /** Kept so `--write-app-config` and the admin API can hand the same config out again. */
  privateKeyPem: string;
  passphrase: string;
  serviceAccountId: string;
  primarySignatureKey?: string;
  secondarySignatureKey?: string;
}

/** What Box keeps for every item, file or folder. */
interface EmuItemBase {
  id: string;
  name: string;
  /** '0' for an item at the top of its owner's tree. */
  parentId: string;
  ownerId: string;
  createdAt: string;
  modifiedAt: string;
  etag: number;
  sequenceId: number;
  createdById: string;
  modifiedById: string;
}

export type EmuFolder = EmuItemBase;

export interface EmuFileVersion {
  id: string;
  sha1: string;
  size: number;
  createdAt: string;
  uploaderId: string;
}

export interface EmuFile extends EmuItemBase {
  /** Set while the file is in the trash (Box's DELETE): hidden, restorable, content kept. */
  trashedAt?: string;
  contentCreatedAt: string;
  contentModifiedAt: string;
  /** Oldest first; the last one is current. */
  versions: EmuFileVersion[];
}

export interface EmuCollaboration {
  id: string;
  folderId: string;
  userId: string;
  role: CollaborationRole;
  createdAt: string;
}

export interface EmuWebhook {
  id: string;
  targetType: 'folder' | 'file';
  targetId: string;
  address: string;
  triggers: string[];
  createdById: string;
  clientId: string;
  createdAt: string;
}

export interface EmuState {
  enterpriseId: string;
  nextId: number;
  users: Map<string, EmuUser>;
  apps: Map<string, EmuApp>;
  folders: Map<string, EmuFolder>;
  files: Map<string, EmuFile>;
  /** Content of each file version, keyed by version id: files on disk, not memory. */
  blobs: BlobStore;
  collaborations: Map<string, EmuCollaboration>;
  webhooks: Map<string, EmuWebhook>;
}

export function createEmptyState(blobs: BlobStore): EmuState {
  return {
    enterpriseId: '900001',
    nextId: 100_000_001,
    users: new Map(),
    apps: new Map(),
    folders: new Map(),
    files: new Map(),
    blobs,
    collaborations: new Map(),
    webhooks: new Map(),
  };
}

/** Box ids are numeric strings; one counter keeps them unique across kinds like Box's. */
export function nextId(state: EmuState): string {
  const id = String(state.nextId);
  state.nextId += 1;
  return id;
}

/**
 * Box's timestamp shape: seconds precision in the enterprise's time zone with its offset
 * (`2026-11-22T22:27:53-08:00`), not UTC — so a client that drops the offset is caught here.
 * The emulator's zone is a fixed offset, Pacific standard time by default (`offsetMinutes`).
 */
export function boxTimestamp(date: Date = new Date(), offsetMinutes = -480): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------
// Access rules

const ROLE_CAN_READ: ReadonlySet<Role> = new Set(['owner', 'co-owner', 'editor', 'viewer uploader', 'viewer']);
const ROLE_CAN_WRITE: ReadonlySet<Role> = new Set(['owner', 'co-owner', 'editor']);
const ROLE_CAN_UPLOAD: ReadonlySet<Role> = new Set([
  'owner',
  'co-owner',
  'editor',
  'viewer uploader',
  'previewer uploader',
  'uploader',
]);

export const canRead = (role: Role | undefined): boolean => role !== undefined && ROLE_CAN_READ.has(role);
export const canWrite = (role: Role | undefined): boolean => role !== undefined && ROLE_CAN_WRITE.has(role);
export const canUpload = (role: Role | undefined): boolean => role !== undefined && ROLE_CAN_UPLOAD.has(role);

/**
 * The caller's role on a folder: ownership anywhere up the tree, else the nearest
 * collaboration (Box cascades a collaboration to every sub-folder).
 */
export function roleOnFolder(state: EmuState, userId: string, folderId: string): Role | undefined {
  if (folderId === '0') return 'owner';
  let current = state.folders.get(folderId);
  while (current) {
    if (current.ownerId === userId) return 'owner';
    for (const collab of state.collaborations.values()) {
      if (collab.folderId === current.id && collab.userId === userId) return collab.role;
    }
    current = current.parentId === '0' ? undefined : state.folders.get(current.parentId);
  }
  return undefined;
}

/** Folder ids from the top of the tree down to (and including) `folderId`. */
export function ancestorChain(state: EmuState, folderId: string): EmuFolder[] {
  const chain: EmuFolder[] = [];
  let current = state.folders.get(folderId);
  while (current) {
    chain.unshift(current);
    current = current.parentId === '0' ? undefined : state.folders.get(current.parentId);
  }
  return chain;
}

/** True when `folderId` is `ancestorId` or lies anywhere beneath it. */
export function isWithin(state: EmuState, folderId: string, ancestorId: string): boolean {
  return ancestorChain(state, folderId).some((folder) => folder.id === ancestorId);
}

export function childrenOf(state: EmuState, folderId: string): { folders: EmuFolder[]; files: EmuFile[] } {
  const folders = [...state.folders.values()].filter((f) => f.parentId === folderId);
  const files = [...state.files.values()].filter((f) => f.parentId === folderId && !f.trashedAt);
  return { folders, files };
}

/** The item with this name (any kind, case-insensitive like Box) directly in a folder. */
export function findNameConflict(
  state: EmuState,
  parentId: string,
  name: string,
  ownerId: string,
): EmuFolder | EmuFile | undefined {
  const lower = name.toLowerCase();
  const sameTree = (item: { ownerId: string }): boolean => parentId !== '0' || item.ownerId === ownerId;
  const { folders, files } = childrenOf(state, parentId);
  return (
    folders.find((f) => f.name.toLowerCase() === lower && sameTree(f)) ??
    files.find((f) => f.name.toLowerCase() === lower && sameTree(f))
  );
}

export function currentVersion(file: EmuFile): EmuFileVersion {
  const version = file.versions[file.versions.length - 1];
  if (!version) throw new Error(`emulator invariant: file ${file.id} has no version`);
  return version;
}

// ---------------------------------------------------------------------------------------
// Persistence

interface PersistedState {
  format: 'aiqc-box-emulator-state';
  /** 1: content embedded as base64 in `blobs`; 2: content in the blob directory beside the file. */
  version: 1 | 2;
  enterpriseId: string;
  nextId: number;
  users: EmuUser[];
  apps: EmuApp[];
  folders: EmuFolder[];
  files: EmuFile[];
  blobs?: Record<string, string>;
  collaborations: EmuCollaboration[];
  webhooks: EmuWebhook[];
}

export function serializeState(state: EmuState): string {
  const persisted: PersistedState = {
    format: 'aiqc-box-emulator-state',
    version: 2,
    enterpriseId: state.enterpriseId,
    nextId: state.nextId,
    users: [...state.users.values()],
    apps: [...state.apps.values()],
    folders: [...state.folders.values()],
    files: [...state.files.values()],
    collaborations: [...state.collaborations.values()],
    webhooks: [...state.webhooks.values()],
  };
  return JSON.stringify(persisted);
}

/** The blob directory kept beside a state file: `state.json` → `state.json.blobs/`. */
export const blobDirFor = (statePath: string): string => `${statePath}.blobs`;

/** Parse a state file; content a version-1 file embeds is written out to `blobs`. */
export function deserializeState(text: string, source: string, blobs: BlobStore): EmuState {
  let parsed: PersistedState;
  try {
    parsed = JSON.parse(text) as PersistedState;
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message}); delete it to start from an empty emulator`, {
      cause: err,
    });
  }
  if (parsed.format !== 'aiqc-box-emulator-state' || (parsed.version !== 1 && parsed.version !== 2)) {
    throw new Error(`${source}: not an aiqc-box-emulator state file (version 1 or 2); delete it or pass another --state path`);
  }
  for (const [versionId, base64] of Object.entries(parsed.blobs ?? {})) blobs.set(versionId, Buffer.from(base64, 'base64'));
  const byId = <T extends { id: string }>(items: T[]): Map<string, T> => new Map(items.map((i) => [i.id, i]));
  return {
    enterpriseId: parsed.enterpriseId,
    nextId: parsed.nextId,
    users: byId(parsed.users),
    apps: new Map(parsed.apps.map((a) => [a.clientId, a])),
    folders: byId(parsed.folders),
    files: byId(parsed.files),
    blobs,
    collaborations: byId(parsed.collaborations),
    webhooks: byId(parsed.webhooks),
  };
}

export function loadStateFile(path: string, blobs: BlobStore): EmuState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return deserializeState(text, path, blobs);
}

/** Write-then-rename so a crash never leaves half a state file behind. */
export function saveStateFile(path: string, state: EmuState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, serializeState(state));
  renameSync(tmp, path);
}
