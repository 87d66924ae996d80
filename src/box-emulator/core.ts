// The emulator's operations on its state, with Box's permission rules and side effects
// (webhook firing, name conflicts). Both the HTTP API and the admin API call these, so an
// upload "as a user" from a test behaves exactly like an upload through the API.
import type { BoxAppConfigJson } from './apps.js';
import { appConfigJson, createApp } from './apps.js';
import { TokenStore } from './oauth.js';
import type { StagedBlob } from './blobs.js';
import { EmuApiError, badRequest, forbidden, notFound } from './errors.js';
import { fileMini, folderMini } from './represent.js';
import type {
  CollaborationRole,
  EmuApp,
  EmuCollaboration,
  EmuFile,
  EmuFolder,
  EmuState,
  EmuFileVersion,
  EmuUser,
  EmuWebhook,
} from './state.js';
import {
  COLLABORATION_ROLES,
  boxTimestamp,
  canRead,
  canUpload,
  canWrite,
  currentVersion,
  findNameConflict,
  isWithin,
  nextId,
  roleOnFolder,
} from './state.js';
import type { DeliveryAttempt, WebhookRetryOptions } from './webhook-delivery.js';
import { WebhookDispatcher } from './webhook-delivery.js';
import { WebhookRules } from './webhook-rules.js';

export { EmuApiError, badRequest, forbidden, notFound } from './errors.js';

/** File content: small content in memory (admin uploads) or a file streamed to the staging area. */
export type BlobInput = Buffer | StagedBlob;

export interface EmulatorCoreOptions {
  webhookRetry?: WebhookRetryOptions;
  accessTokenTtlS?: number;
  /**
   * Box refuses webhook addresses that are not HTTPS on port 443, and so does the emulator by
   * default. True lets the demo and tests register plain http receivers on loopback.
   */
  allowInsecureWebhooks?: boolean;
  /** The offset Box's timestamps carry, in minutes (default -480: Pacific standard time). */
  timezoneOffsetMinutes?: number;
  now?: () => number;
  onChange?: () => void;
}

export class BoxEmulatorCore {
  readonly tokens: TokenStore;
  readonly dispatcher: WebhookDispatcher;
  readonly now: () => number;
  private readonly onChange: () => void;
  private readonly webhooks: WebhookRules;
  private readonly timezoneOffsetMinutes: number;

  constructor(
    readonly state: EmuState,
    options: EmulatorCoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.tokens = new TokenStore(this.now, options.accessTokenTtlS ?? 3600);
    this.dispatcher = new WebhookDispatcher(options.webhookRetry);
    this.onChange = options.onChange ?? (() => undefined);
    this.webhooks = new WebhookRules(this, state, options.allowInsecureWebhooks ?? false, () => this.onChange());
    this.timezoneOffsetMinutes = options.timezoneOffsetMinutes ?? -480;
  }

  private stamp(): string {
    return boxTimestamp(new Date(this.now()), this.timezoneOffsetMinutes);
  }

  /** A timestamp as Box writes it (session expiry and the like). */
  timestamp(atMs: number): string {
    return boxTimestamp(new Date(atMs), this.timezoneOffsetMinutes);
  }

  // ----- users, apps, collaborations -------------------------------------------------

  createUser(input: { name: string; login?: string; id?: string }): EmuUser {
    const id = input.id ?? nextId(this.state);
    const user: EmuUser = {
      id,
      name: input.name,
      login: input.login ?? `${input.name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${id}@example.com`,
      createdAt: this.stamp(),
    };
    this.state.users.set(id, user);
    this.onChange();
    return user;
  }

  createApp(name?: string): { app: EmuApp; config: BoxAppConfigJson; serviceAccount: EmuUser } {
    const app = createApp(this.state, name);
    this.onChange();
    return { app, config: appConfigJson(this.state, app), serviceAccount: this.requireUser(app.serviceAccountId) };
  }

  appConfig(clientId: string): BoxAppConfigJson {
    const app = this.state.apps.get(clientId);
    if (!app) throw new EmuApiError(404, 'not_found', `No app with client id ${clientId}`);
    return appConfigJson(this.state, app);
  }

  setSignatureKeys(clientId: string, keys: { primary?: string | null; secondary?: string | null }): EmuApp {
    const app = this.state.apps.get(clientId);
    if (!app) throw new EmuApiError(404, 'not_found', `No app with client id ${clientId}`);
    if (keys.primary !== undefined) app.primarySignatureKey = keys.primary ?? undefined;
    if (keys.secondary !== undefined) app.secondarySignatureKey = keys.secondary ?? undefined;
    this.onChange();
    return app;
  }

  requireUser(userId: string): EmuUser {
    const user = this.state.users.get(userId);
    if (!user) throw new EmuApiError(404, 'not_found', `No user ${userId}`);
    return user;
  }

  collaborate(input: { folderId: string; userId: string; role: CollaborationRole }): EmuCollaboration {
    if (!COLLABORATION_ROLES.includes(input.role)) {
      throw badRequest(`role must be one of ${COLLABORATION_ROLES.join(', ')}`);
    }
    this.requireFolder(input.folderId);
    this.requireUser(input.userId);
    for (const existing of this.state.collaborations.values()) {
      if (existing.folderId === input.folderId && existing.userId === input.userId) {
        existing.role = input.role;
        this.onChange();
        return existing;
      }
    }
    const collab: EmuCollaboration = { id: nextId(this.state), ...input, createdAt: this.stamp() };
    this.state.collaborations.set(collab.id, collab);
    this.onChange();
    return collab;
  }

  removeCollaboration(id: string): void {
    if (!this.state.collaborations.delete(id)) throw notFound();
    this.onChange();
  }

  // ----- folders -----------------------------------------------------------------------

  requireFolder(folderId: string): EmuFolder {
    const folder = this.state.folders.get(folderId);
    if (!folder) throw notFound();
    return folder;
  }

  /** The folder as `userId` may see it: 404 when it does not exist, 403 when not invited. */
  visibleFolder(userId: string, folderId: string): EmuFolder {
    const folder = this.requireFolder(folderId);
    if (!roleOnFolder(this.state, userId, folderId)) throw forbidden();
    return folder;
  }

  visibleFile(userId: string, fileId: string): EmuFile {
    const file = this.state.files.get(fileId);
    if (!file) throw notFound();
    if (file.trashedAt) throw new EmuApiError(404, 'trashed', 'Item is trashed');
    if (!roleOnFolder(this.state, userId, file.parentId)) throw forbidden();
    return file;
  }

  /**
   * Box's 409 for a taken name. Uploads and preflight checks answer `conflicts` as one object
   * (live Box does; Box's UI elements read `conflicts.id`); folder operations as an array.
   */
  private conflictError(existing: EmuFolder | EmuFile, shape: 'object' | 'array' = 'array'): EmuApiError {
    const mini = 'versions' in existing ? fileMini(existing) : folderMini(existing);
    return new EmuApiError(409, 'item_name_in_use', 'Item with the same name already exists', { conflicts: shape === 'object' ? mini : [mini] });
  }

  private checkName(name: unknown): string {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 255 || /[/\\]/.test(name) || name === '.' || name === '..') {
      throw badRequest('Item name invalid', 'item_name_invalid');
    }
    return name;
  }

  createFolder(userId: string, parentId: string, rawName: unknown, options: { asAdmin?: boolean } = {}): EmuFolder {
    const name = this.checkName(rawName);
    let ownerId = userId;
    if (parentId !== '0') {
      const parent = options.asAdmin ? this.requireFolder(parentId) : this.visibleFolder(userId, parentId);
      if (!options.asAdmin && !canWrite(roleOnFolder(this.state, userId, parentId))) throw forbidden();
      ownerId = parent.ownerId;
    }
    const existing = findNameConflict(this.state, parentId, name, ownerId);
    if (existing) throw this.conflictError(existing);
    const stamp = this.stamp();
    const folder: EmuFolder = {
      id: nextId(this.state),
      name,
      parentId,
      ownerId,
      createdAt: stamp,
      modifiedAt: stamp,
      etag: 0,
      sequenceId: 0,
      createdById: userId,
      modifiedById: userId,
    };
    this.state.folders.set(folder.id, folder);
    this.onChange();
    return folder;
  }

  updateFolder(userId: string, folderId: string, changes: { name?: unknown; parentId?: string }): EmuFolder {
    const folder = this.visibleFolder(userId, folderId);
    if (!canWrite(roleOnFolder(this.state, userId, folderId))) throw forbidden();
    const name = changes.name === undefined ? folder.name : this.checkName(changes.name);
    const parentId = changes.parentId ?? folder.parentId;
    if (parentId !== folder.parentId) {
      if (parentId !== '0') this.visibleFolder(userId, parentId);
      if (!canWrite(roleOnFolder(this.state, userId, parentId))) throw forbidden();
      if (isWithin(this.state, parentId, folderId)) throw badRequest('Cannot move a folder into itself', 'bad_request');
    }
    const existing = findNameConflict(this.state, parentId, name, folder.ownerId);
    if (existing && existing.id !== folder.id) throw this.conflictError(existing);
    Object.assign(folder, { name, parentId, modifiedAt: this.stamp(), modifiedById: userId });
    folder.etag += 1;
    folder.sequenceId += 1;
    this.onChange();
    return folder;
  }

  /** Box's order: folders first, then files, each by name. */
  listChildren(userId: string, folderId: string): Array<EmuFolder | EmuFile> {
    if (folderId !== '0') this.visibleFolder(userId, folderId);
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
    let folders: EmuFolder[];
    let files: EmuFile[];
    if (folderId === '0') {
      // "All Files": what the user owns at the top plus every folder shared with them.
      const shared = new Set([...this.state.collaborations.values()].filter((c) => c.userId === userId).map((c) => c.folderId));
      folders = [...this.state.folders.values()].filter(
        (f) => (f.parentId === '0' && f.ownerId === userId) || (shared.has(f.id) && f.ownerId !== userId),
      );
      files = [...this.state.files.values()].filter((f) => f.parentId === '0' && f.ownerId === userId && !f.trashedAt);
    } else {
      folders = [...this.state.folders.values()].filter((f) => f.parentId === folderId);
      files = [...this.state.files.values()].filter((f) => f.parentId === folderId && !f.trashedAt);
    }
    return [...folders.sort(byName), ...files.sort(byName)];
  }

  // ----- files -------------------------------------------------------------------------

  /** Put the content in the blob store under a new version id (a staged file is renamed, not copied). */
  private storeVersion(content: BlobInput, uploaderId: string): EmuFileVersion {
    const staged = Buffer.isBuffer(content) ? this.state.blobs.stageBuffer(content) : content;
    const version = { id: nextId(this.state), sha1: staged.sha1, size: staged.size, createdAt: this.stamp(), uploaderId };
    this.state.blobs.adopt(version.id, staged);
    return version;
  }

  /** Rules for putting a new file named `name` in `parentId` (upload or preflight). */
  checkUpload(userId: string, parentId: string, rawName: unknown, options: { asAdmin?: boolean } = {}): { name: string; ownerId: string } {
    const name = this.checkName(rawName);
    const parent = options.asAdmin ? this.requireFolder(parentId) : parentId === '0' ? undefined : this.visibleFolder(userId, parentId);
    if (!options.asAdmin && parentId !== '0' && !canUpload(roleOnFolder(this.state, userId, parentId))) throw forbidden();
    const ownerId = parent?.ownerId ?? userId;
    const existing = findNameConflict(this.state, parentId, name, ownerId);
    if (existing) throw this.conflictError(existing, 'object');
    return { name, ownerId };
  }

  uploadFile(
    userId: string,
    parentId: string,
    rawName: unknown,
    content: BlobInput,
    options: { asAdmin?: boolean; contentCreatedAt?: string; contentModifiedAt?: string; copy?: boolean } = {},
  ): EmuFile {
    const { name, ownerId } = this.checkUpload(userId, parentId, rawName, options);
    const version = this.storeVersion(content, userId);
    const stamp = this.stamp();
    const file: EmuFile = {
      id: nextId(this.state),
      name,
      parentId,
      ownerId,
      createdAt: stamp,
      modifiedAt: stamp,
      contentCreatedAt: options.contentCreatedAt ?? stamp,
      contentModifiedAt: options.contentModifiedAt ?? stamp,
      etag: 0,
      sequenceId: 0,
      createdById: userId,
      modifiedById: userId,
      versions: [version],
    };
    this.state.files.set(file.id, file);
    this.onChange();
    // A copy is FILE.COPIED on Box, which the emulator does not deliver; only uploads fire here.
    if (!options.copy) this.fireFileUploaded(file, userId);
    return file;
  }

  uploadNewVersion(
    userId: string,
    fileId: string,
    content: BlobInput,
    options: { name?: unknown; ifMatch?: string; asAdmin?: boolean } = {},
  ): EmuFile {
    const file = options.asAdmin ? this.state.files.get(fileId) : this.visibleFile(userId, fileId);
    if (!file) throw notFound();
    if (!options.asAdmin && !canWrite(roleOnFolder(this.state, userId, file.parentId))) throw forbidden();
    if (options.ifMatch !== undefined && options.ifMatch !== String(file.etag)) {
      throw new EmuApiError(412, 'precondition_failed', 'The resource has been modified. Please retrieve the resource again and retry');
    }
    if (options.name !== undefined && options.name !== file.name) {
      const name = this.checkName(options.name);
      const existing = findNameConflict(this.state, file.parentId, name, file.ownerId);
      if (existing && existing.id !== file.id) throw this.conflictError(existing, 'object');
      file.name = name;
    }
    file.versions.push(this.storeVersion(content, userId));
    file.modifiedAt = this.stamp();
    file.contentModifiedAt = file.modifiedAt;
    file.modifiedById = userId;
    file.etag += 1;
    file.sequenceId += 1;
    this.onChange();
    this.fireFileUploaded(file, userId);
    return file;
  }

  updateFile(userId: string, fileId: string, changes: { name?: unknown; parentId?: string }, options: { asAdmin?: boolean } = {}): EmuFile {
    const file = options.asAdmin ? this.state.files.get(fileId) : this.visibleFile(userId, fileId);
    if (!file) throw notFound();
    if (!options.asAdmin && !canWrite(roleOnFolder(this.state, userId, file.parentId))) throw forbidden();
    const name = changes.name === undefined ? file.name : this.checkName(changes.name);
    const parentId = changes.parentId ?? file.parentId;
    const moved = parentId !== file.parentId;
    let ownerId = file.ownerId;
    if (moved) {
      const target = options.asAdmin ? this.requireFolder(parentId) : parentId === '0' ? undefined : this.visibleFolder(userId, parentId);
      if (!options.asAdmin && parentId !== '0' && !canWrite(roleOnFolder(this.state, userId, parentId))) throw forbidden();
      ownerId = target?.ownerId ?? userId;
    }
    const existing = findNameConflict(this.state, parentId, name, ownerId);
    if (existing && existing.id !== file.id) throw this.conflictError(existing);
    Object.assign(file, { name, parentId, ownerId, modifiedAt: this.stamp(), modifiedById: userId });
    file.etag += 1;
    file.sequenceId += 1;
    this.onChange();
    // Box's quirk: moving a file into a watched folder (or any folder under it) fires FILE.UPLOADED.
    if (moved) this.fireFileUploaded(file, userId);
    return file;
  }

  /** Box's DELETE moves a file to the trash: hidden from listings and GET, restorable. */
  deleteFile(userId: string, fileId: string): void {
    const file = this.visibleFile(userId, fileId);
    if (!canWrite(roleOnFolder(this.state, userId, file.parentId))) throw forbidden();
    file.trashedAt = this.stamp();
    file.sequenceId += 1;
    this.onChange();
  }

  /** GET /files/:id/trash: only a trashed file, as its owner's side sees it. */
  trashedFile(userId: string, fileId: string): EmuFile {
    const file = this.state.files.get(fileId);
    if (!file?.trashedAt || !roleOnFolder(this.state, userId, file.parentId)) throw notFound();
    return file;
  }

  /** POST /files/:id: restore from the trash into its folder (409 if the name is taken meanwhile). */
  restoreFile(userId: string, fileId: string, changes: { name?: unknown } = {}): EmuFile {
    const file = this.trashedFile(userId, fileId);
    if (!canWrite(roleOnFolder(this.state, userId, file.parentId))) throw forbidden();
    const name = changes.name === undefined ? file.name : this.checkName(changes.name);
    const existing = findNameConflict(this.state, file.parentId, name, file.ownerId);
    if (existing) throw this.conflictError(existing);
    delete file.trashedAt;
    Object.assign(file, { name, modifiedAt: this.stamp(), modifiedById: userId });
    file.sequenceId += 1;
    this.onChange();
    return file;
  }

  /** POST /files/:id/copy: a new file (one version, the chosen or current one) in `parentId`. */
  copyFile(userId: string, fileId: string, input: { parentId: string; name?: unknown; versionId?: string }): EmuFile {
    const source = this.visibleFile(userId, fileId);
    if (!canRead(roleOnFolder(this.state, userId, source.parentId))) throw forbidden();
    const version = input.versionId ? source.versions.find((v) => v.id === input.versionId) : currentVersion(source);
    if (!version) throw notFound();
    if (!this.state.blobs.has(version.id)) throw notFound();
    const name = input.name === undefined ? source.name : input.name;
    const target = input.parentId === '0' ? undefined : this.visibleFolder(userId, input.parentId);
    if (input.parentId !== '0' && !canUpload(roleOnFolder(this.state, userId, input.parentId))) throw forbidden();
    const checked = this.checkName(name);
    const existing = findNameConflict(this.state, input.parentId, checked, target?.ownerId ?? userId);
    if (existing) throw this.conflictError(existing);
    const staged = this.state.blobs.copyToStaging(version.id, version.sha1);
    try {
      return this.uploadFile(userId, input.parentId, checked, staged, { copy: true });
    } finally {
      this.state.blobs.discard(staged);
    }
  }

  /** The version `userId` may download (current unless `versionId`); its content is `state.blobs.read(version.id)`. */
  readableFileContent(userId: string, fileId: string, versionId?: string): { file: EmuFile; version: EmuFileVersion } {
    const file = this.visibleFile(userId, fileId);
    if (!canRead(roleOnFolder(this.state, userId, file.parentId))) throw forbidden();
    const version = versionId ? file.versions.find((v) => v.id === versionId) : currentVersion(file);
    if (!version) throw notFound();
    if (!this.state.blobs.has(version.id)) throw notFound();
    return { file, version };
  }

  // ----- webhooks (rules in webhook-rules.ts) -----------------------------------------

  createWebhook(userId: string, clientId: string, input: Record<string, unknown>): EmuWebhook {
    return this.webhooks.create(userId, clientId, input);
  }

  /** Webhooks belong to the app that made them; another app sees 404. */
  visibleWebhook(clientId: string, webhookId: string): EmuWebhook {
    return this.webhooks.visible(clientId, webhookId);
  }

  updateWebhook(clientId: string, webhookId: string, input: Record<string, unknown>): EmuWebhook {
    return this.webhooks.update(clientId, webhookId, input);
  }

  deleteWebhook(clientId: string, webhookId: string): void {
    this.webhooks.delete(clientId, webhookId);
  }

  private fireFileUploaded(file: EmuFile, actorId: string): void {
    this.webhooks.fireFileUploaded(file, actorId);
  }

  deliveries(): DeliveryAttempt[] {
    return this.dispatcher.attempts;
  }
}
