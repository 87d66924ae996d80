/**
 * Per-user Box connect (DESIGN §10): the authorize round trip, the stored grant, and what a
 * console user does with it — list their folders, download a file as themselves, put a report
 * next to it. Every call to Box goes through the official SDK (BoxOAuth for the OAuth steps,
 * BoxClient for the API) with our storage and our base URLs (the emulator's in tests).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BoxClient as SdkBoxClient, BoxOAuth, OAuthConfig } from 'box-node-sdk';
import { InMemoryTokenStorage } from 'box-node-sdk/box';
import { BaseUrls, NetworkSession } from 'box-node-sdk/networking';
import { createSession } from '../auth/accounts.js';
import { toBoxApiError } from '../box/errors.js';
import { AiqcRetryStrategy, DEFAULT_RETRY_POLICY } from '../box/retry.js';
import { fileContent, postMultipartStreamed } from '../box/streaming-upload.js';
import type { BoxBaseUrls } from '../box/settings.js';
import type { Db } from '../db/database.js';
import { BoxConnectError } from './errors.js';
import type { SecretKeyRing } from './keys.js';
import { checkBinding, checkSessionBinding, consumeNonce, nonceUsed, replayedStateError, signState, verifyState, type StatePayload } from './state.js';
import { connectionStatus, deleteConnection, findConnection, saveConnection, type BoxIdentity } from './store.js';
import { UserBoxAuth, type TokenDeps } from './tokens.js';

export interface BoxConnectConfig {
  clientId: string;
  clientSecret: string;
  keys: SecretKeyRing;
  baseUrls: BoxBaseUrls;
  /** The callback URL registered with the Box app; default: derived from the request. */
  redirectUri?: string;
}

export interface BoxFolderListing {
  folder: { id: string; name: string; path: Array<{ id: string; name: string }> };
  items: Array<{ type: 'file' | 'folder'; id: string; name: string; size: number | null }>;
  /** The folder holds more than LISTING_MAX_ITEMS items; `items` are the first of them, in Box's order. */
  truncated: boolean;
}

/**
 * At most this many items in one folder listing (five Box calls of 1,000). Box folders hold
 * far more — a client's INCOMING/_PROCESSED archive grows by every asset — and a listing that
 * silently stopped at Box's page size (1,000) hid the rest; now it pages and says when it stops.
 */
export const LISTING_MAX_ITEMS = 5_000;

/**
 * Marker paging (Box's offset paging refuses offsets above 10,000): pages until Box has no next
 * marker or `max` entries are in. `truncated` says whether Box had more.
 */
export async function collectPages<T>(fetchPage: (marker: string | undefined) => Promise<{ entries: readonly T[]; nextMarker: string | undefined }>, max: number): Promise<{ entries: T[]; truncated: boolean }> {
  const entries: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    entries.push(...page.entries);
    marker = page.nextMarker || undefined;
  } while (marker && entries.length < max);
  return { entries: entries.slice(0, max), truncated: marker !== undefined || entries.length > max };
}

export interface CallbackOutcome {
  mode: StatePayload['m'];
  userId: number;
  box: BoxIdentity;
  returnTo: string;
  /** Sign in with Box: the new console session's secret, for the cookie. */
  sessionSecret?: string;
}

export type BoxConnect = ReturnType<typeof createBoxConnect>;

export function createBoxConnect(deps: { db: Db; config: BoxConnectConfig; clock?: () => number; onRefresh?: (userId: number) => void }) {
  const { db, config } = deps;
  const clock = deps.clock ?? Date.now;
  const session = new NetworkSession({
    baseUrls: new BaseUrls(config.baseUrls),
    retryStrategy: new AiqcRetryStrategy({ ...DEFAULT_RETRY_POLICY, maxAttempts: 3 }),
    timeoutConfig: { timeoutMs: 30_000 },
  });
  const app = { clientId: config.clientId, clientSecret: config.clientSecret };
  const tokenDeps: TokenDeps = { db, keys: config.keys, app, session, now: clock, ...(deps.onRefresh ? { onRefresh: deps.onRefresh } : {}) };
  const clientFor = (userId: number) => new SdkBoxClient({ auth: new UserBoxAuth(tokenDeps, userId), networkSession: session });

  /** Box API failures as BoxConnectErrors (a person-readable message, never a 500). */
  async function asUser<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BoxConnectError) throw err;
      // The SDK's retry strategy reaches our token code inside its own call: unwrap ours.
      const inner = (err as { cause?: unknown }).cause;
      if (inner instanceof BoxConnectError) throw inner;
      const error = toBoxApiError(err, { operation });
      const status = error.status === 404 ? 404 : error.status === 403 ? 403 : 502;
      throw new BoxConnectError('box_not_connected', `Box refused to ${operation}: ${error.status} ${error.code}.`, {
        fix: status === 404 ? 'Check the id; it must be a folder or file your Box account can see.' : status === 403 ? 'Ask the owner to share it with your Box account.' : 'Try again in a minute.',
        status,
        cause: error,
      });
    }
  }

  return {
    tokenDeps,

    /** Box's authorize URL (the SDK builds the query; the host is ours to point at the emulator). */
    authorizeUrl(input: { mode: StatePayload['m']; userId: number | null; sessionSecret: string | null; binding: string; returnTo: string; redirectUri: string }): string {
      const state = signState(config.keys, { mode: input.mode, userId: input.userId, sessionSecret: input.sessionSecret, binding: input.binding, returnTo: input.returnTo, now: clock() });
      const sdkUrl = new URL(new BoxOAuth({ config: new OAuthConfig(app) }).getAuthorizeUrl({ redirectUri: config.redirectUri ?? input.redirectUri, state, responseType: 'code' }));
      const target = new URL(`${config.baseUrls.oauth2Url}/authorize`);
      target.search = sdkUrl.search;
      return target.toString();
    },

    /** code → tokens, after the state proves who started it. */
    async completeCallback(input: { code?: string; error?: string; errorDescription?: string; state?: string; binding?: string }): Promise<CallbackOutcome> {
      const now = clock();
      const payload = verifyState(config.keys, input.state, now);
      if (await nonceUsed(db.kysely, payload)) throw replayedStateError();
      checkBinding(payload, input.binding);
      await consumeNonce(db.kysely, payload, now);
      if (input.error || !input.code) {
        throw new BoxConnectError('oauth_denied', `Box did not grant access${input.error ? ` (${input.error}${input.errorDescription ? `: ${input.errorDescription}` : ''})` : ''}.`, {
          fix: 'Choose "Connect Box" again and press "Grant access to Box" on Box\'s page.',
          status: 400,
        });
      }
      const sessionUser = payload.m === 'connect' ? await checkSessionBinding(db.kysely, payload, now) : null;
      const storage = new InMemoryTokenStorage({});
      const oauth = new BoxOAuth({ config: new OAuthConfig({ ...app, tokenStorage: storage }) });
      let box: BoxIdentity;
      let token;
      try {
        token = await oauth.getTokensAuthorizationCodeGrant(input.code, session);
        const me = await new SdkBoxClient({ auth: oauth, networkSession: session }).users.getUserMe();
        box = { id: me.id, name: me.name ?? me.login ?? me.id, login: me.login ?? '' };
      } catch (err) {
        const error = toBoxApiError(err, { operation: 'exchange the authorization code' });
        throw new BoxConnectError('oauth_code_refused', `Box refused the authorization code (${error.code}); it is single use and valid for 30 seconds.`, {
          fix: 'Choose "Connect Box" again.',
          status: 400,
          cause: error,
        });
      }
      if (!token.accessToken || !token.refreshToken) throw new BoxConnectError('oauth_code_refused', 'Box answered without a token pair.', { fix: 'Choose "Connect Box" again.', status: 502 });
      const pair = { accessToken: token.accessToken, refreshToken: token.refreshToken };
      let userId = sessionUser;
      if (userId === null) {
        const account = box.login ? await db.kysely.selectFrom('users').select('id').where('email', '=', box.login.trim().toLowerCase()).executeTakeFirst() : undefined;
        if (!account) {
          await oauth.revokeToken(session).catch(() => undefined);
          throw new BoxConnectError('box_account_unknown', `No aiqc account has the e-mail of the Box account ${box.login || box.id}.`, {
            fix: 'Sign in with your e-mail and password, or ask an admin to add you: `aiqc users add EMAIL --role member --client ID`.',
            status: 403,
          });
        }
        userId = account.id;
      }
      await saveConnection(db.kysely, config.keys, { userId, box, pair, expiresInS: token.expiresIn ?? 3600 }, now);
      const outcome: CallbackOutcome = { mode: payload.m, userId, box, returnTo: payload.r };
      if (payload.m === 'signin') outcome.sessionSecret = await createSession(db.kysely, userId, now);
      return outcome;
    },

    async status(userId: number) {
      return connectionStatus(await findConnection(db.kysely, userId));
    },

    /** Revoke at Box (best effort: a grant Box already forgot is fine), then delete the row. */
    async disconnect(userId: number): Promise<{ revoked: boolean; deleted: boolean }> {
      let revoked: boolean;
      try {
        await new UserBoxAuth(tokenDeps, userId).revokeToken(session);
        revoked = true;
      } catch {
        revoked = false;
      }
      return { revoked, deleted: await deleteConnection(db.kysely, userId) };
    },

    async listFolder(userId: number, folderId: string): Promise<BoxFolderListing> {
      return asUser(`list folder ${folderId}`, async () => {
        const client = clientFor(userId);
        const folder = await client.folders.getFolderById(folderId, { queryParams: { fields: ['id', 'name', 'path_collection'] } });
        const items = await collectPages(async (marker) => {
          const page = await client.folders.getFolderItems(folderId, { queryParams: { fields: ['type', 'id', 'name', 'size'], limit: 1000, usemarker: true, ...(marker ? { marker } : {}) } });
          return { entries: page.entries ?? [], nextMarker: page.nextMarker ?? undefined };
        }, LISTING_MAX_ITEMS);
        const path = (folder.pathCollection?.entries ?? []).map((e) => ({ id: e.id, name: e.name ?? e.id }));
        return {
          folder: { id: folder.id, name: folder.id === '0' ? 'All files' : (folder.name ?? folder.id), path },
          items: items.entries.map((entry) => {
            const e = entry as { type: string; id: string; name?: string; size?: number };
            return { type: e.type === 'folder' ? ('folder' as const) : ('file' as const), id: e.id, name: e.name ?? e.id, size: e.size ?? null };
          }).filter((e) => e.type === 'folder' || e.type === 'file'),
          truncated: items.truncated,
        };
      });
    },

    /** Download a file as the user into `dir` (streamed); returns where it is and what it is called. */
    async download(userId: number, fileId: string, dir: string): Promise<{ tempPath: string; name: string; parentId: string | null }> {
      return asUser(`download file ${fileId}`, async () => {
        const client = clientFor(userId);
        const info = await client.files.getFileById(fileId, { queryParams: { fields: ['id', 'name', 'parent'] } });
        const stream = await client.downloads.downloadFile(fileId);
        if (!stream) throw new BoxConnectError('box_not_connected', `Box sent no content for file ${fileId}.`, { fix: 'Try again.', status: 502 });
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const tempPath = join(dir, randomUUID());
        try {
          await pipeline(stream, createWriteStream(tempPath, { mode: 0o600 }));
        } catch (error) {
          await rm(tempPath, { force: true });
          throw error;
        }
        return { tempPath, name: info.name ?? `box-file-${fileId}`, parentId: info.parent?.id ?? null };
      });
    },

    /** The folder a file is in, as the user sees it. */
    async fileParent(userId: number, fileId: string): Promise<string> {
      return asUser(`read file ${fileId}`, async () => {
        const info = await clientFor(userId).files.getFileById(fileId, { queryParams: { fields: ['id', 'parent'] } });
        return info.parent?.id ?? '0';
      });
    },

    /** Upload `content` as `name` into the user's folder (a new version when the name exists). */
    async uploadFile(userId: number, input: { folderId: string; name: string; content: string; tmpDir: string }): Promise<{ id: string; name: string }> {
      return asUser(`upload ${input.name}`, async () => {
        await mkdir(input.tmpDir, { recursive: true, mode: 0o700 });
        const path = join(input.tmpDir, randomUUID());
        await writeFile(path, input.content, { mode: 0o600 });
        try {
          const auth = new UserBoxAuth(tokenDeps, userId);
          const post = async (url: string, attributes: Record<string, unknown>) => {
            let response = await postMultipartStreamed({ url, attributes, file: await fileContent(path), authorization: await auth.retrieveAuthorizationHeader() });
            if (response.status === 401) {
              await auth.refreshToken();
              response = await postMultipartStreamed({ url, attributes, file: await fileContent(path), authorization: await auth.retrieveAuthorizationHeader() });
            }
            return response;
          };
          let response = await post(`${config.baseUrls.uploadUrl}/2.0/files/content`, { name: input.name, parent: { id: input.folderId } });
          const conflicts = (response.body as { context_info?: { conflicts?: { id?: string } | Array<{ id?: string }> } } | null)?.context_info?.conflicts;
          const conflict = Array.isArray(conflicts) ? conflicts[0]?.id : conflicts?.id;
          if (response.status === 409 && conflict) response = await post(`${config.baseUrls.uploadUrl}/2.0/files/${encodeURIComponent(conflict)}/content`, {});
          if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
          const entry = (response.body as { entries?: Array<{ id: string; name: string }> }).entries?.[0];
          return { id: entry?.id ?? '', name: entry?.name ?? input.name };
        } finally {
          await rm(path, { force: true });
        }
      });
    },
  };
}
