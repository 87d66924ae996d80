// The emulator's HTTP face: one port serving Box's three hosts by path — API `/2.0/…`,
// uploads `/api/2.0/…`, OAuth `/oauth2/…` and `/api/oauth2/authorize` — plus `/_admin/…`
// for tests and demos. Behaviour lives in core.ts; this file parses, routes and answers
// with Box's wire format (error JSON with request_id, 401 without a body, lower-case
// `retry-after`, 302 downloads, 201 uploads).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BoxAppConfigJson } from './apps.js';
import type { EmulatorCoreOptions } from './core.js';
import { BoxEmulatorCore, EmuApiError, badRequest, forbidden, notFound } from './core.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import { OAuthError, createAuthCode, handleTokenRequest } from './oauth.js';
import {
  FILE_STANDARD_KEYS,
  FOLDER_STANDARD_KEYS,
  fileFull,
  fileMini,
  folderFull,
  folderMini,
  rootFolderFull,
  selectFields,
  userStandard,
  webhookMini,
  webhookStandard,
} from './represent.js';
import type { CollaborationRole, EmuApp, EmuFile, EmuFolder, EmuState, EmuUser } from './state.js';
import { canWrite, createEmptyState, loadStateFile, roleOnFolder, saveStateFile } from './state.js';
import type { DeliveryAttempt, WebhookRetryOptions } from './webhook-delivery.js';
import { escapeHtml } from '../report/escape.js';

type Json = Record<string, unknown>;

/** A fault injected on matching requests, consumed `times` times (0 = until cleared). */
export interface FaultSpec {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Path to match; `*` matches one segment, `**` anything (e.g. `/2.0/folders/*\/items`). */
  path: string;
  status?: number;
  code?: string;
  /** Seconds, sent as the lower-case `retry-after` header Box sends. */
  retryAfter?: number;
  delayMs?: number;
  /** Drop the connection without answering (ECONNRESET at the client). */
  reset?: boolean;
  /** Carry the request out, then drop the connection instead of answering: the lost-response case. */
  resetAfterHandling?: boolean;
  /** Answer 200 with the full Content-Length but send only half the body, then drop the connection. */
  resetMidBody?: boolean;
  times?: number;
}

interface ActiveFault extends FaultSpec {
  id: string;
  pattern: RegExp;
  remaining: number;
  hits: number;
}

export interface RequestInfo {
  method: string;
  path: string;
  receivedAt: number;
  requestId: string;
}

interface Ctx {
  req: IncomingMessage;
  url: URL;
  params: string[];
  origin: string;
  requestId: string;
  body: () => Promise<Buffer>;
  userId: string;
  clientId: string;
}

interface Reply {
  status: number;
  json?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  authenticated: boolean;
  handler: Handler;
}

interface UploadSession {
  id: string;
  userId: string;
  folderId?: string;
  fileId?: string;
  fileName: string;
  fileSize: number;
  partSize: number;
  totalParts: number;
  expiresAt: string;
  parts: Map<number, { part_id: string; offset: number; size: number; sha1: string; data: Buffer }>;
}

export interface BoxEmulatorOptions extends Omit<EmulatorCoreOptions, 'onChange' | 'webhookRetry'> {
  port?: number;
  host?: string;
  /** Load state from this file if it exists and write every change back to it. */
  statePath?: string;
  webhookRetry?: WebhookRetryOptions;
  /** Smallest file Box accepts for a chunked upload session (Box: 20 MB). */
  chunkedUploadMinBytes?: number;
  /** Part size handed out for upload sessions (Box: 8 MiB for files under 500 MB). */
  chunkedUploadPartBytes?: number;
  /** Webhook signature keys given to the default app (and to apps created later by the CLI). */
  signatureKeys?: { primary?: string; secondary?: string };
}

const MAX_BODY_BYTES = 1024 * 1024 * 1024;
const HELP_URL = 'http://developers.box.com/docs/#errors';

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split(/(\*\*|\*)/)
    .map((piece) => (piece === '**' ? '.*' : piece === '*' ? '[^/]+' : piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new EmuApiError(413, 'request_entity_too_large', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function parseJson(body: Buffer): Json {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to Box's answer for an unreadable body
  }
  throw badRequest('Could not parse JSON', 'bad_request');
}

const fieldsParam = (url: URL): string[] | undefined => {
  const raw = url.searchParams.get('fields');
  return raw ? raw.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
};

export interface BoxEmulator {
  /** Base of everything: `http://127.0.0.1:P`. Also the SDK's `baseUrl`. */
  url: string;
  /** The three base URLs box-node-sdk's BaseUrls takes. */
  baseUrls: { baseUrl: string; uploadUrl: string; oauth2Url: string };
  port: number;
  core: BoxEmulatorCore;
  admin: BoxEmulatorAdmin;
  /** Called for every request as soon as its headers arrive (before the body is read). */
  onRequest(listener: (info: RequestInfo) => void): () => void;
  close(): Promise<void>;
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
  state: EmuState;
}

export async function startBoxEmulator(options: BoxEmulatorOptions = {}): Promise<BoxEmulator> {
  const loaded = options.statePath ? loadStateFile(options.statePath) : undefined;
  const state = loaded ?? createEmptyState();
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
  const firstApp = (): EmuApp => {
    const app = state.apps.values().next().value;
    if (!app) throw new Error('emulator invariant: no app');
    return app;
  };

  const chunkMin = options.chunkedUploadMinBytes ?? 20_000_000;
  const partSize = options.chunkedUploadPartBytes ?? 8 * 1024 * 1024;
  const faults: ActiveFault[] = [];
  const listeners = new Set<(info: RequestInfo) => void>();
  const sessions = new Map<string, UploadSession>();
  const contentTokens = new Map<string, { fileId: string; versionId: string; expiresAt: number }>();

  const routes: Route[] = [];
  const route = (method: string, path: string, handler: Handler, authenticated = true): void => {
    const source = path.replace(/:[a-z_]+/g, '([^/]+)');
    routes.push({ method, pattern: new RegExp(`^${source}$`), authenticated, handler });
  };
  const p = (ctx: Ctx, index: number): string => decodeURIComponent(ctx.params[index] ?? '');

  // ----- OAuth ------------------------------------------------------------------------
  route('POST', '/oauth2/token', async (ctx) => {
    const form = new URLSearchParams((await ctx.body()).toString('utf8'));
    return { status: 200, json: handleTokenRequest(state, core.tokens, form, core.now()) };
  }, false);
  route('POST', '/oauth2/revoke', async (ctx) => {
    const form = new URLSearchParams((await ctx.body()).toString('utf8'));
    const app = state.apps.get(form.get('client_id') ?? '');
    if (!app || app.clientSecret !== form.get('client_secret')) throw new OAuthError('invalid_client', 'The client credentials are invalid');
    core.tokens.revoke(form.get('token') ?? '');
    return { status: 200, raw: '' };
  }, false);
  route('GET', '/api/oauth2/authorize', (ctx) => {
    const clientId = ctx.url.searchParams.get('client_id') ?? '';
    if (!state.apps.has(clientId)) {
      return { status: 400, raw: '<h1>Invalid client_id</h1>', headers: { 'content-type': 'text/html' } };
    }
    const hidden = ['client_id', 'redirect_uri', 'state', 'response_type']
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(ctx.url.searchParams.get(k) ?? '')}">`)
      .join('');
    const options_ = [...state.users.values()]
      .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} &lt;${escapeHtml(u.login)}&gt;</option>`)
      .join('');
    const html = `<!doctype html><title>Box emulator — grant access</title><form method="post">${hidden}<label>Sign in as <select name="user_id">${options_}</select></label><button>Grant access to Box</button></form>`;
    return { status: 200, raw: html, headers: { 'content-type': 'text/html; charset=utf-8' } };
  }, false);
  route('POST', '/api/oauth2/authorize', async (ctx): Promise<Reply> => {
    const form = new URLSearchParams((await ctx.body()).toString('utf8'));
    const clientId = form.get('client_id') ?? '';
    const redirectUri = form.get('redirect_uri') ?? '';
    const userId = form.get('user_id') ?? '';
    if (!state.apps.has(clientId) || !state.users.has(userId) || !/^https?:\/\//.test(redirectUri)) {
      return { status: 400, raw: '<h1>Invalid authorization request</h1>', headers: { 'content-type': 'text/html' } };
    }
    const target = new URL(redirectUri);
    target.searchParams.set('code', createAuthCode(core.tokens, clientId, userId, redirectUri, core.now()));
    const stateParam = form.get('state');
    if (stateParam) target.searchParams.set('state', stateParam);
    return { status: 302, raw: '', headers: { location: target.toString() } };
  }, false);

  // ----- users, folders, items --------------------------------------------------------
  route('GET', '/2.0/users/me', (ctx) => ({ status: 200, json: userStandard(core.requireUser(ctx.userId)) }));

  const itemRepr = (ctx: Ctx, item: EmuFolder | EmuFile, fields: string[] | undefined): Json => {
    if ('versions' in item) return fields ? selectFields(fileFull(state, ctx.userId, item), fields, []) : fileMini(item);
    return fields ? selectFields(folderFull(state, ctx.userId, item), fields, []) : folderMini(item);
  };
  const ORDER = [
    { by: 'type', direction: 'ASC' },
    { by: 'name', direction: 'ASC' },
  ];
  const pageOf = (ctx: Ctx, folderId: string, query: URLSearchParams, fields: string[] | undefined): Json => {
    const items = core.listChildren(ctx.userId, folderId);
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 100) || 100, 1), 1000);
    if (query.get('usemarker') === 'true') {
      const marker = query.get('marker');
      const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8').replace(/^m:/, '')) : 0;
      if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid marker', 'invalid_parameter');
      const entries = items.slice(start, start + limit).map((i) => itemRepr(ctx, i, fields));
      const next = start + limit < items.length ? Buffer.from(`m:${start + limit}`).toString('base64url') : null;
      return { entries, limit, next_marker: next, prev_marker: null };
    }
    const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0);
    // Box refuses deep offset paging; marker paging has no such limit.
    if (offset > 9_999) throw badRequest('Queries with offset parameter value exceeding 10000 will be rejected', 'bad_request');
    const entries = items.slice(offset, offset + limit).map((i) => itemRepr(ctx, i, fields));
    return { total_count: items.length, entries, offset, limit, order: ORDER };
  };

  route('GET', '/2.0/folders/:id', (ctx) => {
    const folderId = p(ctx, 0);
    const fields = fieldsParam(ctx.url);
    const collection = pageOf(ctx, folderId, new URLSearchParams(), undefined);
    if (folderId === '0') return { status: 200, json: selectFields(rootFolderFull(state, ctx.userId, collection), fields, FOLDER_STANDARD_KEYS) };
    const folder = core.visibleFolder(ctx.userId, folderId);
    return { status: 200, json: selectFields(folderFull(state, ctx.userId, folder, collection), fields, FOLDER_STANDARD_KEYS) };
  });
  route('GET', '/2.0/folders/:id/items', (ctx) => ({
    status: 200,
    json: pageOf(ctx, p(ctx, 0), ctx.url.searchParams, fieldsParam(ctx.url)),
  }));
  route('POST', '/2.0/folders', async (ctx) => {
    const body = parseJson(await ctx.body());
    const parent = body['parent'] as { id?: unknown } | undefined;
    if (typeof parent?.id !== 'string') throw badRequest("Bad Request: 'parent.id' is required");
    const folder = core.createFolder(ctx.userId, parent.id, body['name']);
    return { status: 201, json: selectFields(folderFull(state, ctx.userId, folder, pageOf(ctx, folder.id, new URLSearchParams(), undefined)), fieldsParam(ctx.url), FOLDER_STANDARD_KEYS) };
  });
  route('PUT', '/2.0/folders/:id', async (ctx) => {
    const body = parseJson(await ctx.body());
    const parent = body['parent'] as { id?: string } | undefined;
    const changes: { name?: unknown; parentId?: string } = {};
    if (body['name'] !== undefined) changes.name = body['name'];
    if (parent?.id !== undefined) changes.parentId = parent.id;
    const folder = core.updateFolder(ctx.userId, p(ctx, 0), changes);
    return { status: 200, json: selectFields(folderFull(state, ctx.userId, folder, pageOf(ctx, folder.id, new URLSearchParams(), undefined)), fieldsParam(ctx.url), FOLDER_STANDARD_KEYS) };
  });

  // ----- files ------------------------------------------------------------------------
  const fileReply = (ctx: Ctx, file: EmuFile, status = 200): Reply => ({
    status,
    json: selectFields(fileFull(state, ctx.userId, file), fieldsParam(ctx.url), FILE_STANDARD_KEYS),
  });
  // Box's spec: 201 for a new file, 200 for a new version of an existing one.
  const filesReply = (ctx: Ctx, file: EmuFile, status = 201): Reply => ({
    status,
    json: { total_count: 1, entries: [fileFull(state, ctx.userId, file)] },
  });
  route('GET', '/2.0/files/:id', (ctx) => fileReply(ctx, core.visibleFile(ctx.userId, p(ctx, 0))));
  route('PUT', '/2.0/files/:id', async (ctx) => {
    const body = parseJson(await ctx.body());
    const parent = body['parent'] as { id?: string } | undefined;
    const changes: { name?: unknown; parentId?: string } = {};
    if (body['name'] !== undefined) changes.name = body['name'];
    if (parent?.id !== undefined) changes.parentId = parent.id;
    return fileReply(ctx, core.updateFile(ctx.userId, p(ctx, 0), changes));
  });
  route('DELETE', '/2.0/files/:id', (ctx) => {
    core.deleteFile(ctx.userId, p(ctx, 0));
    return { status: 204, raw: '' };
  });
  route('GET', '/2.0/files/:id/trash', (ctx) => fileReply(ctx, core.trashedFile(ctx.userId, p(ctx, 0))));
  route('POST', '/2.0/files/:id', async (ctx) => {
    const body = parseJson(await ctx.body());
    return fileReply(ctx, core.restoreFile(ctx.userId, p(ctx, 0), body['name'] !== undefined ? { name: body['name'] } : {}), 201);
  });
  route('POST', '/2.0/files/:id/copy', async (ctx) => {
    const body = parseJson(await ctx.body());
    const parent = body['parent'] as { id?: unknown } | undefined;
    if (typeof parent?.id !== 'string') throw badRequest("Bad Request: 'parent.id' is required");
    const file = core.copyFile(ctx.userId, p(ctx, 0), {
      parentId: parent.id,
      ...(body['name'] !== undefined && { name: body['name'] }),
      ...(typeof body['version'] === 'string' && { versionId: body['version'] }),
    });
    return fileReply(ctx, file, 201);
  });
  route('GET', '/2.0/files/:id/content', (ctx) => {
    const { file } = core.readableFileContent(ctx.userId, p(ctx, 0), ctx.url.searchParams.get('version') ?? undefined);
    const versionId = ctx.url.searchParams.get('version') ?? file.versions[file.versions.length - 1]?.id ?? '';
    const token = randomBytes(18).toString('base64url');
    contentTokens.set(token, { fileId: file.id, versionId, expiresAt: core.now() + 15 * 60_000 });
    return { status: 302, raw: '', headers: { location: `${ctx.origin}/_content/${token}/${encodeURIComponent(file.name)}` } };
  });
  route('GET', '/_content/:token/:name', (ctx) => {
    const grant = contentTokens.get(p(ctx, 0));
    if (!grant || grant.expiresAt < core.now()) throw notFound();
    const content = state.blobs.get(grant.versionId);
    if (!content) throw notFound();
    return { status: 200, raw: content, headers: { 'content-type': 'application/octet-stream' } };
  }, false);
  route('OPTIONS', '/2.0/files/content', async (ctx) => {
    const body = parseJson(await ctx.body());
    const parent = body['parent'] as { id?: string } | undefined;
    core.checkUpload(ctx.userId, parent?.id ?? '0', body['name']);
    return { status: 200, json: { upload_url: `${ctx.origin}/api/2.0/files/content`, upload_token: randomBytes(12).toString('hex') } };
  });

  const uploadParts = async (ctx: Ctx): Promise<{ attributes: Json; content: Buffer }> => {
    const boundary = boundaryOf(ctx.req.headers['content-type']);
    if (!boundary) throw badRequest('Bad Request: multipart/form-data body required');
    let parts;
    try {
      parts = parseMultipart(await ctx.body(), boundary);
    } catch (err) {
      throw badRequest(`Bad Request: ${(err as Error).message}`);
    }
    const attributesIndex = parts.findIndex((part) => part.name === 'attributes');
    const fileIndex = parts.findIndex((part) => part.name === 'file' || part.filename !== undefined);
    if (fileIndex < 0) throw badRequest("Bad Request: the 'file' part is missing");
    if (attributesIndex < 0 || attributesIndex > fileIndex) {
      throw badRequest("Bad Request: the 'attributes' part must come before the 'file' part", 'metadata_after_file_contents');
    }
    const attributes = parseJson(parts[attributesIndex]?.data ?? Buffer.alloc(0));
    return { attributes, content: parts[fileIndex]?.data ?? Buffer.alloc(0) };
  };
  const checkContentMd5 = (ctx: Ctx, content: Buffer): void => {
    const sha1 = ctx.req.headers['content-md5'];
    if (typeof sha1 === 'string' && sha1 !== createHash('sha1').update(content).digest('hex')) {
      throw new EmuApiError(400, 'sha1_mismatch', 'The SHA1 in the Content-MD5 header does not match the uploaded content');
    }
  };
  route('POST', '/api/2.0/files/content', async (ctx) => {
    const { attributes, content } = await uploadParts(ctx);
    checkContentMd5(ctx, content);
    const parent = attributes['parent'] as { id?: unknown } | undefined;
    if (typeof parent?.id !== 'string') throw badRequest("Bad Request: 'attributes.parent.id' is required");
    const file = core.uploadFile(ctx.userId, parent.id, attributes['name'], content, {
      ...(typeof attributes['content_created_at'] === 'string' && { contentCreatedAt: attributes['content_created_at'] }),
      ...(typeof attributes['content_modified_at'] === 'string' && { contentModifiedAt: attributes['content_modified_at'] }),
    });
    return filesReply(ctx, file);
  });
  route('POST', '/api/2.0/files/:id/content', async (ctx) => {
    const { attributes, content } = await uploadParts(ctx);
    checkContentMd5(ctx, content);
    const ifMatch = ctx.req.headers['if-match'];
    const file = core.uploadNewVersion(ctx.userId, p(ctx, 0), content, {
      ...(attributes['name'] !== undefined && { name: attributes['name'] }),
      ...(typeof ifMatch === 'string' && { ifMatch }),
    });
    return filesReply(ctx, file, 200);
  });

  // ----- chunked upload sessions --------------------------------------------------------
  const sessionJson = (ctx: Ctx, session: UploadSession): Json => {
    const base = `${ctx.origin}/api/2.0/files/upload_sessions/${session.id}`;
    return {
      id: session.id,
      type: 'upload_session',
      session_expires_at: session.expiresAt,
      part_size: session.partSize,
      total_parts: session.totalParts,
      num_parts_processed: session.parts.size,
      session_endpoints: {
        upload_part: base,
        commit: `${base}/commit`,
        abort: base,
        list_parts: `${base}/parts`,
        status: base,
        log_event: `${base}/log`,
      },
    };
  };
  const newSession = (ctx: Ctx, input: { folderId?: string; fileId?: string; fileName: string; fileSize: unknown }): Reply => {
    const fileSize = input.fileSize;
    if (typeof fileSize !== 'number' || !Number.isInteger(fileSize) || fileSize <= 0) throw badRequest("Bad Request: 'file_size' must be a positive integer");
    if (fileSize < chunkMin) {
      throw new EmuApiError(400, 'file_size_too_small', `File size ${fileSize} less than minimum allowed for this API: ${chunkMin}`);
    }
    const session: UploadSession = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      userId: ctx.userId,
      fileName: input.fileName,
      fileSize,
      partSize,
      totalParts: Math.ceil(fileSize / partSize),
      expiresAt: core.timestamp(core.now() + 7 * 24 * 3600_000),
      parts: new Map(),
    };
    if (input.folderId !== undefined) session.folderId = input.folderId;
    if (input.fileId !== undefined) session.fileId = input.fileId;
    sessions.set(session.id, session);
    return { status: 201, json: sessionJson(ctx, session) };
  };
  const requireSession = (ctx: Ctx): UploadSession => {
    const session = sessions.get(p(ctx, 0));
    if (!session || session.userId !== ctx.userId) throw notFound();
    return session;
  };
  route('POST', '/api/2.0/files/upload_sessions', async (ctx) => {
    const body = parseJson(await ctx.body());
    const folderId = String(body['folder_id'] ?? '');
    const { name } = core.checkUpload(ctx.userId, folderId, body['file_name']);
    return newSession(ctx, { folderId, fileName: name, fileSize: body['file_size'] });
  });
  route('POST', '/api/2.0/files/:id/upload_sessions', async (ctx) => {
    const body = parseJson(await ctx.body());
    const file = core.visibleFile(ctx.userId, p(ctx, 0));
    if (!canWrite(roleOnFolder(state, ctx.userId, file.parentId))) throw forbidden();
    const fileName = typeof body['file_name'] === 'string' ? body['file_name'] : file.name;
    return newSession(ctx, { fileId: file.id, fileName, fileSize: body['file_size'] });
  });
  route('PUT', '/api/2.0/files/upload_sessions/:sid', async (ctx) => {
    const session = requireSession(ctx);
    const data = await ctx.body();
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(ctx.req.headers['content-range'] ?? ''));
    if (!range) throw badRequest("Bad Request: 'Content-Range: bytes a-b/total' header required", 'bad_request');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const isLast = end + 1 === session.fileSize;
    if (total !== session.fileSize || start % session.partSize !== 0 || end - start + 1 !== data.length || (!isLast && data.length !== session.partSize)) {
      throw new EmuApiError(416, 'range_not_satisfiable', 'Part range does not match the session part size or file size');
    }
    const digest = String(ctx.req.headers['digest'] ?? '');
    const sha1 = createHash('sha1').update(data).digest();
    if (digest !== `sha=${sha1.toString('base64')}`) {
      throw new EmuApiError(412, 'precondition_failed', "The 'Digest' header must be sha=<base64 SHA-1 of the part>");
    }
    const part = { part_id: randomBytes(4).toString('hex').toUpperCase(), offset: start, size: data.length, sha1: sha1.toString('hex'), data };
    session.parts.set(start, part);
    return { status: 200, json: { part: { part_id: part.part_id, offset: part.offset, size: part.size, sha1: part.sha1 } } };
  });
  route('GET', '/api/2.0/files/upload_sessions/:sid', (ctx) => ({ status: 200, json: sessionJson(ctx, requireSession(ctx)) }));
  route('DELETE', '/api/2.0/files/upload_sessions/:sid', (ctx) => {
    sessions.delete(requireSession(ctx).id);
    return { status: 204, raw: '' };
  });
  route('GET', '/api/2.0/files/upload_sessions/:sid/parts', (ctx) => {
    const session = requireSession(ctx);
    const entries = [...session.parts.values()]
      .sort((a, b) => a.offset - b.offset)
      .map(({ part_id, offset, size, sha1 }) => ({ part_id, offset, size, sha1 }));
    return { status: 200, json: { total_count: entries.length, entries, offset: 0, limit: 1000 } };
  });
  route('POST', '/api/2.0/files/upload_sessions/:sid/commit', async (ctx) => {
    const session = requireSession(ctx);
    const body = parseJson(await ctx.body());
    const listed = Array.isArray(body['parts']) ? (body['parts'] as Array<{ part_id?: string }>) : [];
    const stored = [...session.parts.values()].sort((a, b) => a.offset - b.offset);
    const covered = stored.reduce((sum, part) => sum + part.size, 0);
    if (covered !== session.fileSize || listed.length !== stored.length || listed.some((part, i) => part.part_id !== stored[i]?.part_id)) {
      throw new EmuApiError(400, 'bad_request', 'The parts listed do not cover the file: upload every part and list them in order');
    }
    const content = Buffer.concat(stored.map((part) => part.data));
    const digest = String(ctx.req.headers['digest'] ?? '');
    if (digest !== `sha=${createHash('sha1').update(content).digest('base64')}`) {
      throw new EmuApiError(422, 'unprocessable_entity', "The 'Digest' header does not match the SHA-1 of the assembled file");
    }
    sessions.delete(session.id);
    const attributes = (body['attributes'] ?? {}) as Json;
    const file = session.fileId
      ? core.uploadNewVersion(ctx.userId, session.fileId, content, attributes['name'] !== undefined ? { name: attributes['name'] } : {})
      : core.uploadFile(ctx.userId, session.folderId ?? '0', session.fileName, content);
    return filesReply(ctx, file);
  });

  // ----- webhooks -----------------------------------------------------------------------
  route('GET', '/2.0/webhooks', (ctx) => {
    const all = [...state.webhooks.values()].filter((w) => w.clientId === ctx.clientId);
    const limit = Math.min(Math.max(Number(ctx.url.searchParams.get('limit') ?? 100) || 100, 1), 200);
    const marker = ctx.url.searchParams.get('marker');
    const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8').replace(/^w:/, '')) : 0;
    if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid marker', 'invalid_parameter');
    const entries = all.slice(start, start + limit).map(webhookMini);
    const next = start + limit < all.length ? Buffer.from(`w:${start + limit}`).toString('base64url') : null;
    return { status: 200, json: { entries, limit, next_marker: next, prev_marker: null } };
  });
  route('POST', '/2.0/webhooks', async (ctx) => {
    const webhook = core.createWebhook(ctx.userId, ctx.clientId, parseJson(await ctx.body()));
    return { status: 201, json: webhookStandard(state, webhook) };
  });
  route('GET', '/2.0/webhooks/:id', (ctx) => ({ status: 200, json: webhookStandard(state, core.visibleWebhook(ctx.clientId, p(ctx, 0))) }));
  route('PUT', '/2.0/webhooks/:id', async (ctx) => ({
    status: 200,
    json: webhookStandard(state, core.updateWebhook(ctx.clientId, p(ctx, 0), parseJson(await ctx.body()))),
  }));
  route('DELETE', '/2.0/webhooks/:id', (ctx) => {
    core.deleteWebhook(ctx.clientId, p(ctx, 0));
    return { status: 204, raw: '' };
  });

  // ----- admin ------------------------------------------------------------------------
  const admin: BoxEmulatorAdmin = {
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
      const lower = input.name.toLowerCase();
      const existing = [...state.files.values()].find((f) => f.parentId === input.folderId && f.name.toLowerCase() === lower && !f.trashedAt);
      if (existing) return core.uploadNewVersion(input.userId, existing.id, content, { asAdmin: true });
      return core.uploadFile(input.userId, input.folderId, input.name, content, { asAdmin: true });
    },
    moveAs: (input) =>
      core.updateFile(input.userId, input.fileId, { parentId: input.parentId, ...(input.name !== undefined && { name: input.name }) }, { asAdmin: true }),
    deliveries: () => core.deliveries(),
    waitForDeliveries: () => core.dispatcher.whenIdle(),
    injectFault: (spec) => {
      const id = `fault-${faults.length + 1}-${randomBytes(3).toString('hex')}`;
      const times = spec.times ?? 1;
      faults.push({ ...spec, id, pattern: globToRegExp(spec.path), remaining: times === 0 ? Infinity : times, hits: 0 });
      return id;
    },
    clearFaults: () => void faults.splice(0),
    faults: () => faults.map(({ pattern: _pattern, ...rest }) => rest),
    expireAllTokens: () => core.tokens.expireAll(),
  };

  const adminRoutes: Route[] = [];
  const adminRoute = (method: string, path: string, handler: Handler): void => {
    adminRoutes.push({ method, pattern: new RegExp(`^${path.replace(/:[a-z_]+/g, '([^/]+)')}$`), authenticated: false, handler });
  };
  const appSummary = (app: EmuApp): Json => ({
    client_id: app.clientId,
    name: app.name,
    service_account: core.requireUser(app.serviceAccountId),
    enterprise_id: state.enterpriseId,
    primary_signature_key: app.primarySignatureKey ?? null,
    secondary_signature_key: app.secondarySignatureKey ?? null,
    config: core.appConfig(app.clientId),
  });
  adminRoute('GET', '/_admin/apps', () => ({ status: 200, json: { entries: [...state.apps.values()].map(appSummary) } }));
  adminRoute('POST', '/_admin/apps', async (ctx) => {
    const body = parseJson(await ctx.body());
    return { status: 201, json: appSummary(core.createApp(typeof body['name'] === 'string' ? body['name'] : undefined).app) };
  });
  adminRoute('PUT', '/_admin/apps/:id/signature_keys', async (ctx) => {
    const body = parseJson(await ctx.body());
    const keys: { primary?: string | null; secondary?: string | null } = {};
    if ('primary' in body) keys.primary = body['primary'] as string | null;
    if ('secondary' in body) keys.secondary = body['secondary'] as string | null;
    return { status: 200, json: appSummary(core.setSignatureKeys(p(ctx, 0), keys)) };
  });
  adminRoute('POST', '/_admin/users', async (ctx) => {
    const body = parseJson(await ctx.body());
    if (typeof body['name'] !== 'string') throw badRequest("'name' is required");
    return { status: 201, json: core.createUser({ name: body['name'], ...(typeof body['login'] === 'string' && { login: body['login'] }) }) };
  });
  adminRoute('POST', '/_admin/folders', async (ctx) => {
    const body = parseJson(await ctx.body());
    if (typeof body['name'] !== 'string' || typeof body['owner_id'] !== 'string') throw badRequest("'name' and 'owner_id' are required");
    const folder = admin.createFolder({
      name: body['name'],
      ownerId: body['owner_id'],
      ...(typeof body['parent_id'] === 'string' && { parentId: body['parent_id'] }),
    });
    return { status: 201, json: folder };
  });
  adminRoute('POST', '/_admin/collaborations', async (ctx) => {
    const body = parseJson(await ctx.body());
    const collab = core.collaborate({
      folderId: String(body['folder_id'] ?? ''),
      userId: String(body['user_id'] ?? ''),
      role: body['role'] as CollaborationRole,
    });
    return { status: 201, json: collab };
  });
  adminRoute('DELETE', '/_admin/collaborations/:id', (ctx) => {
    core.removeCollaboration(p(ctx, 0));
    return { status: 204, raw: '' };
  });
  adminRoute('POST', '/_admin/upload', async (ctx) => {
    const q = ctx.url.searchParams;
    const userId = q.get('user_id');
    const folderId = q.get('folder_id');
    const name = q.get('name');
    if (!userId || !folderId || !name) throw badRequest('user_id, folder_id and name query parameters are required');
    const file = admin.uploadAs({ userId, folderId, name, content: await ctx.body() });
    return { status: 201, json: fileFull(state, userId, file) };
  });
  adminRoute('POST', '/_admin/move', async (ctx) => {
    const body = parseJson(await ctx.body());
    const file = admin.moveAs({
      userId: String(body['user_id'] ?? ''),
      fileId: String(body['file_id'] ?? ''),
      parentId: String(body['parent_id'] ?? ''),
      ...(typeof body['name'] === 'string' && { name: body['name'] }),
    });
    return { status: 200, json: fileFull(state, String(body['user_id']), file) };
  });
  adminRoute('GET', '/_admin/deliveries', async (ctx) => {
    if (ctx.url.searchParams.get('wait') === 'true') await admin.waitForDeliveries();
    return { status: 200, json: { entries: admin.deliveries() } };
  });
  adminRoute('GET', '/_admin/faults', () => ({ status: 200, json: { entries: admin.faults() } }));
  adminRoute('POST', '/_admin/faults', async (ctx) => {
    const body = parseJson(await ctx.body()) as unknown as FaultSpec;
    if (typeof body.path !== 'string') throw badRequest("'path' is required (e.g. /2.0/folders/*/items)");
    return { status: 201, json: { id: admin.injectFault(body) } };
  });
  adminRoute('DELETE', '/_admin/faults', () => {
    admin.clearFaults();
    return { status: 204, raw: '' };
  });
  adminRoute('POST', '/_admin/tokens/expire', () => ({ status: 200, json: { expired: admin.expireAllTokens() } }));

  // ----- dispatch -----------------------------------------------------------------------
  const send = (res: ServerResponse, requestId: string, reply: Reply): void => {
    const headers: Record<string, string> = { 'box-request-id': requestId, ...reply.headers };
    let payload: Buffer | string = '';
    if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json';
    } else if (reply.raw !== undefined) {
      payload = reply.raw;
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  };
  const errorReply = (err: unknown, requestId: string): Reply => {
    if (err instanceof OAuthError) return { status: err.status, json: { error: err.error, error_description: err.description } };
    if (err instanceof EmuApiError) {
      const json: Json = { type: 'error', status: err.status, code: err.code, help_url: HELP_URL, message: err.message, request_id: requestId };
      if (err.contextInfo) json['context_info'] = err.contextInfo;
      return { status: err.status, json, headers: err.headers };
    }
    if (err instanceof URIError) {
      return { status: 400, json: { type: 'error', status: 400, code: 'bad_request', help_url: HELP_URL, message: 'Malformed URL', request_id: requestId } };
    }
    const message = err instanceof Error ? err.message : String(err);
    return {
      status: 500,
      json: { type: 'error', status: 500, code: 'internal_server_error', help_url: HELP_URL, message: `Emulator error: ${message}`, request_id: requestId },
    };
  };
  const faultReply = (fault: ActiveFault, requestId: string): Reply => {
    const status = fault.status ?? 500;
    // Box's "not ready yet" (a download still being prepared, a commit still assembling the
    // parts): 202 with Retry-After and no body; the client is expected to wait and ask again.
    if (status === 202) return { status, raw: '', headers: { 'retry-after': String(fault.retryAfter ?? 1) } };
    const code = fault.code ?? (status === 429 ? 'rate_limit_exceeded' : status === 503 ? 'unavailable' : 'internal_server_error');
    const message = status === 429 ? 'Request rate limit exceeded, please try again later' : 'Internal Server Error';
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
    return { status, headers, json: { type: 'error', status, code, help_url: HELP_URL, message, request_id: requestId } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomBytes(8).toString('hex');
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    for (const listener of listeners) listener({ method, path: url.pathname, receivedAt: Date.now(), requestId });
    let bodyPromise: Promise<Buffer> | undefined;
    const body = (): Promise<Buffer> => (bodyPromise ??= readBody(req));
    try {
      const isAdmin = url.pathname.startsWith('/_admin/');
      // The admin API hands out app secrets and private keys: only for callers on this machine,
      // whatever interface the emulator listens on (--host 0.0.0.0 exposes Box's API, not this).
      if (isAdmin && !isLoopback(req.socket.remoteAddress)) {
        await body().catch(() => undefined);
        send(res, requestId, errorReply(new EmuApiError(403, 'forbidden', 'The emulator admin API answers only loopback clients (127.0.0.1, ::1)'), requestId));
        return;
      }
      let activeFault: ActiveFault | undefined;
      if (!isAdmin) {
        const fault = faults.find((f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && f.pattern.test(url.pathname));
        if (fault) {
          activeFault = fault;
          fault.remaining -= 1;
          fault.hits += 1;
          if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          if (fault.reset) {
            req.socket.destroy();
            return;
          }
          if (fault.status) {
            await body().catch(() => undefined);
            send(res, requestId, faultReply(fault, requestId));
            return;
          }
        }
      }
      const dropAnswer = Boolean(activeFault?.resetAfterHandling);
      const table = isAdmin ? adminRoutes : routes;
      let matched: { route: Route; params: string[] } | undefined;
      let pathMatched = false;
      for (const candidate of table) {
        const m = candidate.pattern.exec(url.pathname);
        if (!m) continue;
        pathMatched = true;
        if (candidate.method === method) {
          matched = { route: candidate, params: m.slice(1) };
          break;
        }
      }
      if (!matched) {
        await body().catch(() => undefined);
        send(res, requestId, errorReply(pathMatched ? new EmuApiError(405, 'method_not_allowed', 'Method Not Allowed') : notFound(), requestId));
        return;
      }
      const ctx: Ctx = {
        req,
        url,
        params: matched.params,
        origin: `http://${req.headers.host ?? 'localhost'}`,
        requestId,
        body,
        userId: '',
        clientId: '',
      };
      if (matched.route.authenticated) {
        const header = req.headers.authorization ?? '';
        const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
        const grant = token ? core.tokens.authenticate(token) : undefined;
        if (!grant) {
          await body().catch(() => undefined);
          send(res, requestId, {
            status: 401,
            raw: '',
            headers: { 'www-authenticate': 'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."' },
          });
          return;
        }
        ctx.userId = grant.userId;
        ctx.clientId = grant.clientId;
      }
      const reply = await matched.route.handler(ctx);
      if (!bodyPromise) await body().catch(() => undefined);
      if (dropAnswer) {
        req.socket.destroy();
        return;
      }
      if (activeFault?.resetMidBody) {
        const payload = reply.raw !== undefined ? Buffer.from(reply.raw) : Buffer.from(JSON.stringify(reply.json ?? ''));
        res.writeHead(reply.status, { ...reply.headers, 'box-request-id': requestId, 'content-length': String(payload.length) });
        res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      send(res, requestId, reply);
    } catch (err) {
      if (!res.headersSent) send(res, requestId, errorReply(err, requestId));
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  if (options.statePath) saveNow();

  return {
    url,
    port,
    baseUrls: { baseUrl: url, uploadUrl: `${url}/api`, oauth2Url: `${url}/api/oauth2` },
    core,
    admin,
    onRequest: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      core.dispatcher.close();
      if (options.statePath) saveNow();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

