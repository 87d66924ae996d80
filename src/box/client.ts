// aiqc's Box client: the operations the pipeline, the sweeper and the admin CLI need, on top
// of box-node-sdk v10 with its 10.12 defects worked around (see test/box/sdk-defects.test.ts):
// one retry policy honouring Retry-After, error codes read from the body, uploads streamed
// from disk, and one early-refreshed token shared by every call in the process.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { BoxClient as SdkBoxClient } from 'box-node-sdk';
import { BaseUrls, NetworkSession } from 'box-node-sdk/networking';
import type { FolderFull } from 'box-node-sdk/schemas';
import { deserializeFiles } from 'box-node-sdk/schemas';
import type { SharedTokenAuth } from './auth.js';
import { createSharedAuth } from './auth.js';
import type { ChunkedUploadTarget } from './chunked-upload.js';
import { uploadChunked } from './chunked-upload.js';
import type { BoxErrorContext } from './errors.js';
import { BoxApiError, boxApiErrorFromBody, toBoxApiError } from './errors.js';
import type { BoxLogger } from './logger.js';
import { silentLogger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import { AiqcRetryStrategy, DEFAULT_RETRY_POLICY, retryDelayMs } from './retry.js';
import type { BoxSettings } from './settings.js';
import { boxSettingsFromEnv } from './settings.js';
import { fileContent, postMultipartStreamed, sha1OfFile } from './streaming-upload.js';
import type { BoxFileInfo, BoxFolderInfo, BoxItem, BoxUser, BoxWebhook } from './types.js';
import { fileInfo, itemOf, pathOf, webhookOf } from './types.js';

export type { BoxFileInfo, BoxFolderInfo, BoxItem, BoxPathEntry, BoxUser, BoxWebhook } from './types.js';

export interface BoxClientDeps {
  settings: BoxSettings;
  logger?: BoxLogger;
  retry?: Partial<RetryPolicy>;
  /** Files at or above this size go through an upload session (Box: 50 MB recommended). */
  chunkedUploadThresholdBytes?: number;
  /** Refresh the access token this long before Box would expire it. */
  tokenRefreshMarginS?: number;
  /** Time allowed for Box to start answering a request. */
  requestTimeoutMs?: number;
  /**
   * A download that receives no bytes for this long is abandoned and restarted. The SDK's
   * fetch (node-fetch 2) never ends or fails a body whose connection dropped mid-way, so
   * without this a lost connection hangs the job.
   */
  downloadIdleTimeoutMs?: number;
}

export const CHUNKED_UPLOAD_THRESHOLD_BYTES = 50 * 1024 * 1024;
const ITEM_FIELDS = ['type', 'id', 'name', 'size', 'sha1', 'file_version', 'modified_at'];

/** Id of the conflicting file when it has exactly this content. */
function sameContentConflict(error: BoxApiError, sha1: string): string | undefined {
  return error.conflicts.find((c) => c.type === 'file' && c.sha1 === sha1)?.id;
}

/** `name (2).ext` — the suffix Box's own web app uses for copies. */
export function suffixedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

export class BoxClient {
  /** The underlying official SDK client, sharing this client's token, retry policy and base URLs. */
  readonly sdk: SdkBoxClient;
  readonly settings: BoxSettings;
  private readonly auth: SharedTokenAuth;
  private readonly session: NetworkSession;
  private readonly logger: BoxLogger;
  private readonly policy: RetryPolicy;
  private readonly chunkThreshold: number;
  private readonly downloadIdleMs: number;
  private serviceAccount: BoxUser | undefined;

  constructor(deps: BoxClientDeps) {
    this.settings = deps.settings;
    this.logger = deps.logger ?? silentLogger;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.chunkThreshold = deps.chunkedUploadThresholdBytes ?? CHUNKED_UPLOAD_THRESHOLD_BYTES;
    this.downloadIdleMs = deps.downloadIdleTimeoutMs ?? 60_000;
    this.auth = createSharedAuth(deps.settings.auth, deps.tokenRefreshMarginS ?? 300, this.policy, this.logger);
    this.session = new NetworkSession({
      baseUrls: new BaseUrls(deps.settings.baseUrls),
      retryStrategy: new AiqcRetryStrategy(this.policy, this.logger),
      timeoutConfig: { timeoutMs: deps.requestTimeoutMs ?? 120_000 },
    });
    this.sdk = new SdkBoxClient({ auth: this.auth, networkSession: this.session });
  }

  /** Build from BOX_* environment variables (see settings.ts). */
  static fromEnv(env: Record<string, string | undefined>, deps: Omit<BoxClientDeps, 'settings'> = {}): BoxClient {
    return new BoxClient({ ...deps, settings: boxSettingsFromEnv(env) });
  }

  /** Access tokens fetched so far by this process (one unless they expired or were revoked). */
  get tokensIssued(): number {
    return this.auth.tokensIssued;
  }

  private context(operation: string, itemKind?: BoxErrorContext['itemKind'], itemId?: string): BoxErrorContext {
    const context: BoxErrorContext = { operation };
    if (itemKind) context.itemKind = itemKind;
    if (itemId) context.itemId = itemId;
    if (this.serviceAccount) context.serviceAccountLogin = this.serviceAccount.login;
    return context;
  }

  /** Run an SDK call (which already retries under our policy) and type its failure. */
  private async call<T>(context: BoxErrorContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw await this.typed(err, context);
    }
  }

  /**
   * BoxApiError for a failure; a 403/404 fix names the service account to invite, so its
   * login is looked up once if no call has fetched it yet.
   */
  private async typed(err: unknown, context: BoxErrorContext, make: (context: BoxErrorContext) => BoxApiError = (c) => toBoxApiError(err, c)): Promise<BoxApiError> {
    const error = make(context);
    if ((error.status !== 403 && error.status !== 404) || context.serviceAccountLogin || context.operation === 'users/me') return error;
    try {
      const me = await this.getCurrentUser();
      return make({ ...context, serviceAccountLogin: me.login });
    } catch {
      return error;
    }
  }

  /** Retry loop for requests made outside the SDK (streamed uploads), same policy. */
  private async withRetry<T>(context: BoxErrorContext, attemptFn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await attemptFn();
      } catch (err) {
        const error = toBoxApiError(err, context);
        if (error.status === 401 && attempt === 1) {
          await this.auth.refreshToken(this.session);
          continue;
        }
        const headers: Record<string, string> = error.retryAfterS !== undefined ? { 'retry-after': String(error.retryAfterS) } : {};
        const delay = retryDelayMs(this.policy, error.status, headers, attempt);
        if (delay === undefined) throw error;
        this.logger.warn({ status: error.status, code: error.code, attempt, delay_ms: delay, operation: context.operation }, 'Box call failed transiently; retrying');
        await sleep(delay);
      }
    }
  }

  async getCurrentUser(): Promise<BoxUser> {
    const me = await this.call(this.context('users/me'), () => this.sdk.users.getUserMe());
    this.serviceAccount = { id: me.id, name: me.name ?? '', login: me.login ?? '' };
    return this.serviceAccount;
  }

  async getFolder(folderId: string): Promise<BoxFolderInfo> {
    const folder: FolderFull = await this.call(this.context('get folder', 'folder', folderId), () =>
      this.sdk.folders.getFolderById(folderId, { queryParams: { fields: ['name', 'parent', 'path_collection', 'permissions'] } }),
    );
    const info: BoxFolderInfo = {
      id: folder.id,
      name: folder.name ?? '',
      path: pathOf(folder.pathCollection),
      canUpload: folder.permissions?.canUpload ?? false,
      canDownload: folder.permissions?.canDownload ?? false,
    };
    if (folder.parent?.id) info.parentId = folder.parent.id;
    return info;
  }

  /** Every item in a folder, following Box's marker pagination to the last page. */
  async listAllItems(folderId: string, options: { pageSize?: number } = {}): Promise<BoxItem[]> {
    const items: BoxItem[] = [];
    for await (const item of this.iterateItems(folderId, options)) items.push(item);
    return items;
  }

  async *iterateItems(folderId: string, options: { pageSize?: number } = {}): AsyncGenerator<BoxItem> {
    let marker: string | undefined;
    do {
      const page = await this.call(this.context('list folder items', 'folder', folderId), () =>
        this.sdk.folders.getFolderItems(folderId, {
          queryParams: { fields: ITEM_FIELDS, usemarker: true, limit: options.pageSize ?? 1000, ...(marker !== undefined && { marker }) },
        }),
      );
      for (const entry of page.entries ?? []) yield itemOf(entry);
      marker = page.nextMarker ?? undefined;
    } while (marker);
  }

  async getFileInfo(fileId: string): Promise<BoxFileInfo> {
    const file = await this.call(this.context('get file info', 'file', fileId), () => this.sdk.files.getFileById(fileId));
    return fileInfo(file);
  }

  /**
   * Stream a file (optionally one version) to `destPath`. A connection lost mid-body restarts
   * the download under the retry policy; a partial file never stays behind.
   */
  async downloadToPath(fileId: string, destPath: string, options: { versionId?: string } = {}): Promise<{ bytes: number; sha1: string }> {
    const context = this.context('download file', 'file', fileId);
    for (let attempt = 1; ; attempt += 1) {
      const stream = await this.call(context, () =>
        this.sdk.downloads.downloadFile(fileId, options.versionId ? { queryParams: { version: options.versionId } } : {}),
      );
      if (!stream) throw new BoxApiError({ status: 0, code: 'empty_download', message: `Box download of file ${fileId} returned no content` });
      const hash = createHash('sha1');
      let bytes = 0;
      const idleMs = this.downloadIdleMs;
      const meter: Transform = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          idle.refresh();
          done(null, chunk);
        },
      });
      const idle = setTimeout(() => meter.destroy(new Error(`Box download of file ${fileId} stalled: no data for ${idleMs} ms`)), idleMs);
      try {
        await pipeline(stream as Readable, meter, createWriteStream(destPath));
        return { bytes, sha1: hash.digest('hex') };
      } catch (err) {
        await rm(destPath, { force: true });
        const error = toBoxApiError(err, context);
        const delay = retryDelayMs(this.policy, error.status, {}, attempt);
        if (delay === undefined) throw error;
        this.logger.warn({ file_id: fileId, attempt, delay_ms: delay, error: error.message }, 'Box download interrupted; retrying');
        await sleep(delay);
      } finally {
        clearTimeout(idle);
      }
    }
  }

  /**
   * Upload a new file from disk, streamed; through an upload session at or above the chunk
   * threshold. A file of the same name and SHA-1 already in the folder counts as this upload
   * (so a retry after a lost answer is safe); a different one is a 409 BoxApiError.
   */
  async uploadFile(input: { folderId: string; name: string; path: string }): Promise<BoxFileInfo> {
    const { size } = await stat(input.path);
    if (size >= this.chunkThreshold) return this.uploadChunked(input.path, size, { folderId: input.folderId, name: input.name });
    const sha1 = await sha1OfFile(input.path);
    try {
      return await this.postStreamed(
        this.context('upload file', 'folder', input.folderId),
        '/2.0/files/content',
        { name: input.name, parent: { id: input.folderId } },
        await fileContent(input.path),
        sha1,
      );
    } catch (err) {
      // A retry after a lost answer finds the upload already done: the same name with the
      // same SHA-1 is that upload, not a conflict.
      const conflict = err instanceof BoxApiError && err.code === 'item_name_in_use' ? sameContentConflict(err, sha1) : undefined;
      if (conflict) return this.getFileInfo(conflict);
      throw err;
    }
  }

  /** Upload new content for an existing file (same id, new version). */
  async uploadNewVersion(input: { fileId: string; path: string; name?: string }): Promise<BoxFileInfo> {
    const { size } = await stat(input.path);
    if (size >= this.chunkThreshold) return this.uploadChunked(input.path, size, { fileId: input.fileId, ...(input.name && { name: input.name }) });
    const sha1 = await sha1OfFile(input.path);
    return this.postStreamed(
      this.context('upload new version', 'file', input.fileId),
      `/2.0/files/${encodeURIComponent(input.fileId)}/content`,
      input.name ? { name: input.name } : {},
      await fileContent(input.path),
      sha1,
    );
  }

  private postStreamed(
    context: BoxErrorContext,
    path: string,
    attributes: Record<string, unknown>,
    content: Blob,
    sha1: string,
  ): Promise<BoxFileInfo> {
    return this.withRetry(context, async () => {
      const response = await postMultipartStreamed({
        url: `${this.settings.baseUrls.uploadUrl}${path}`,
        attributes,
        file: content,
        authorization: await this.auth.retrieveAuthorizationHeader(this.session),
        extraHeaders: { 'content-md5': sha1 },
      });
      if (response.status < 200 || response.status >= 300) {
        throw await this.typed(undefined, context, (c) => boxApiErrorFromBody(response.status, response.body, response.headers, c));
      }
      const file = deserializeFiles(response.body as never).entries?.[0];
      if (!file) throw new BoxApiError({ status: response.status, code: 'empty_upload_response', message: `Box ${context.operation} answered without the file` });
      return fileInfo(file);
    });
  }

  private uploadChunked(path: string, size: number, target: ChunkedUploadTarget): Promise<BoxFileInfo> {
    const context = target.fileId ? this.context('chunked upload (new version)', 'file', target.fileId) : this.context('chunked upload', 'folder', target.folderId);
    return uploadChunked({ sdk: this.sdk, call: (fn) => this.call(context, fn), findSameContent: (folderId, name, sha1) => this.findSameContent(folderId, name, sha1) }, path, size, target);
  }

  /** The file named `name` in `folderId` if it has this SHA-1 (Box's preflight names the conflict). */
  private async findSameContent(folderId: string, name: string, sha1: string): Promise<BoxFileInfo | undefined> {
    try {
      await this.sdk.uploads.preflightFileUploadCheck({ name, parent: { id: folderId } });
      return undefined;
    } catch (err) {
      const error = toBoxApiError(err, this.context('preflight upload', 'folder', folderId));
      const id = error.code === 'item_name_in_use' ? sameContentConflict(error, sha1) : undefined;
      return id ? this.getFileInfo(id) : undefined;
    }
  }

  /**
   * The sub-folder `name` of `parentId`, created if missing. Safe when several workers race:
   * the loser's 409 names the winner's folder in context_info.conflicts.
   */
  async findOrCreateFolder(parentId: string, name: string): Promise<{ id: string; name: string; created: boolean }> {
    const context = this.context('create folder', 'folder', parentId);
    try {
      const folder = await this.sdk.folders.createFolder({ name, parent: { id: parentId } });
      return { id: folder.id, name: folder.name ?? name, created: true };
    } catch (err) {
      const error = toBoxApiError(err, context);
      const conflict = error.conflicts[0];
      if (error.code === 'item_name_in_use' && conflict?.type === 'folder' && conflict.id) {
        return { id: conflict.id, name: conflict.name ?? name, created: false };
      }
      if (error.code === 'item_name_in_use') {
        throw new BoxApiError({
          status: error.status,
          code: error.code,
          message: `Box folder ${parentId} already holds a file named "${name}", so the folder cannot be created: rename or remove that file`,
          ...(error.requestId !== undefined && { requestId: error.requestId }),
          cause: error,
        });
      }
      throw await this.typed(err, context);
    }
  }

  /** Move a file into `parentId` as `name`; on a name conflict try `name (2)`, `name (3)`… */
  async moveAndRename(fileId: string, target: { parentId: string; name: string }, maxTries = 20): Promise<BoxFileInfo> {
    const context = this.context('move file', 'file', fileId);
    for (let n = 1; n <= maxTries; n += 1) {
      const name = n === 1 ? target.name : suffixedName(target.name, n);
      try {
        const moved = await this.sdk.files.updateFileById(fileId, { requestBody: { name, parent: { id: target.parentId } } });
        return fileInfo(moved);
      } catch (err) {
        const error = toBoxApiError(err, context);
        if (error.code !== 'item_name_in_use') throw await this.typed(err, context);
      }
    }
    throw new BoxApiError({
      status: 409,
      code: 'item_name_in_use',
      message: `Box file ${fileId} could not be moved to folder ${target.parentId}: "${target.name}" and ${maxTries - 1} suffixed names are all taken`,
    });
  }

  async createWebhook(input: { targetId: string; targetType?: 'file' | 'folder'; address: string; triggers?: string[] }): Promise<BoxWebhook> {
    const targetType = input.targetType ?? 'folder';
    const webhook = await this.call(this.context('create webhook', targetType, input.targetId), () =>
      this.sdk.webhooks.createWebhook({
        target: { id: input.targetId, type: targetType },
        address: input.address,
        triggers: (input.triggers ?? ['FILE.UPLOADED']) as never,
      }),
    );
    return webhookOf(webhook);
  }

  /** Every webhook of this app (all pages). Box lists only id and target; see getWebhook for the rest. */
  async listAllWebhooks(): Promise<BoxWebhook[]> {
    const all: BoxWebhook[] = [];
    let marker: string | undefined;
    do {
      const page = await this.call(this.context('list webhooks'), () => this.sdk.webhooks.getWebhooks({ limit: 200, ...(marker !== undefined && { marker }) }));
      all.push(...(page.entries ?? []).map(webhookOf));
      marker = page.nextMarker ?? undefined;
    } while (marker);
    return all;
  }

  async getWebhook(webhookId: string): Promise<BoxWebhook> {
    return webhookOf(await this.call(this.context('get webhook', 'webhook', webhookId), () => this.sdk.webhooks.getWebhookById(webhookId)));
  }

  /** listAllWebhooks with each webhook's address and triggers filled in. */
  async listAllWebhooksDetailed(): Promise<BoxWebhook[]> {
    const detailed: BoxWebhook[] = [];
    for (const webhook of await this.listAllWebhooks()) detailed.push(await this.getWebhook(webhook.id));
    return detailed;
  }

  /** Point an existing webhook at a new address (Box allows one webhook per item per app). */
  async updateWebhookAddress(webhookId: string, address: string): Promise<BoxWebhook> {
    return webhookOf(
      await this.call(this.context('update webhook', 'webhook', webhookId), () => this.sdk.webhooks.updateWebhookById(webhookId, { requestBody: { address } })),
    );
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    await this.call(this.context('delete webhook', 'webhook', webhookId), () => this.sdk.webhooks.deleteWebhookById(webhookId));
  }
}
