/**
 * A console user's Box token, shared safely by every process (DESIGN §10).
 *
 * Box refresh tokens are single use and rotate on every refresh. A refresh therefore runs inside
 * a database transaction that holds the user's row: `SELECT … FOR UPDATE` where the engine has
 * row locks (PostgreSQL), the immediate transaction's write lock on SQLite. Whoever gets the
 * row first refreshes at Box (through the official SDK's BoxOAuth, whose TokenStorage is that
 * locked row) and commits the new pair; everyone who waited finds an access token different
 * from the one Box refused and uses it without calling Box. The write itself is also a
 * compare-and-swap on the row's version. Within a process, callers with the same stale token
 * share one attempt, so N requests open one transaction, not N.
 *
 * Box answering `invalid_grant` (revoked at Box, refresh token reused or expired) marks the row
 * broken with the reason; every later call says how to reconnect instead of asking Box again.
 */
import { BoxOAuth, OAuthConfig } from 'box-node-sdk';
import type { TokenStorage } from 'box-node-sdk/box';
import type { Authentication, NetworkSession } from 'box-node-sdk/networking';
import type { AccessToken } from 'box-node-sdk/schemas';
import type { Transaction } from 'kysely';
import { toBoxApiError } from '../box/errors.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { BoxConnectError, RECONNECT_FIX } from './errors.js';
import type { SecretKeyRing } from './keys.js';
import { findConnection, markBroken, openTokens, swapTokens, type ConnectionRow } from './store.js';

export interface OAuthAppSettings {
  clientId: string;
  clientSecret: string;
}

export interface TokenDeps {
  db: Db;
  keys: SecretKeyRing;
  app: OAuthAppSettings;
  session: NetworkSession;
  now: () => number;
  /** Refresh this long before the stored expiry (default 60 s). */
  marginMs?: number;
  /** Told after each successful refresh at Box (metrics, tests). */
  onRefresh?: (userId: number) => void;
}

export function notConnected(): BoxConnectError {
  return new BoxConnectError('box_not_connected', 'You have not connected your Box account.', { fix: 'Choose "Connect Box" in the console (My Box).', status: 409 });
}

export function brokenConnection(reason: string | null): BoxConnectError {
  return new BoxConnectError('box_connection_broken', `Your Box connection stopped working: ${reason ?? 'Box refused the stored grant'}.`, { fix: RECONNECT_FIX, status: 409 });
}

function asAccessToken(row: ConnectionRow, pair: { accessToken: string; refreshToken: string }, now: number): AccessToken {
  return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresIn: Math.max(0, Math.floor((row.access_expires_at - now) / 1000)), tokenType: 'bearer' };
}

/** The SDK's TokenStorage over the locked row: `get` reads it, `store` swaps it (same transaction). */
class LockedRowStorage implements TokenStorage {
  // Fields written out (no parameter properties): child processes in tests run this file with
  // Node's type stripping, which does not support them.
  private readonly trx: Transaction<Database>;
  private readonly keys: SecretKeyRing;
  private readonly row: ConnectionRow;
  private readonly now: number;
  constructor(trx: Transaction<Database>, keys: SecretKeyRing, row: ConnectionRow, now: number) {
    this.trx = trx;
    this.keys = keys;
    this.row = row;
    this.now = now;
  }
  async get(): Promise<AccessToken | undefined> {
    return asAccessToken(this.row, openTokens(this.keys, this.row), this.now);
  }
  async store(token: AccessToken): Promise<undefined> {
    if (!token.accessToken || !token.refreshToken) throw new BoxConnectError('oauth_code_refused', 'Box answered a refresh without a token pair.', { fix: RECONNECT_FIX, status: 502 });
    const swapped = await swapTokens(this.trx, this.keys, this.row, { accessToken: token.accessToken, refreshToken: token.refreshToken }, token.expiresIn ?? 3600, this.now);
    if (!swapped) throw new BoxConnectError('box_token_conflict', 'The Box connection changed while it was being refreshed.', { fix: 'Try again.', status: 409 });
    return undefined;
  }
  async clear(): Promise<undefined> {
    return undefined;
  }
}

type Outcome = { kind: 'token'; token: AccessToken } | { kind: 'missing' } | { kind: 'broken'; reason: string | null };

const inflight = new Map<string, Promise<AccessToken>>();

/**
 * A token newer than `stale` (the access token Box refused or that is about to expire): either
 * one another caller already stored, or one this call gets from Box. `stale` undefined: refresh
 * whatever is stored.
 */
export function refreshAfter(deps: TokenDeps, userId: number, stale: string | undefined): Promise<AccessToken> {
  const key = `${userId}\0${stale ?? ''}`;
  let pending = inflight.get(key);
  if (!pending) {
    pending = lockedRefresh(deps, userId, stale).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

async function lockedRefresh(deps: TokenDeps, userId: number, stale: string | undefined): Promise<AccessToken> {
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<Outcome> => {
    const now = deps.now();
    let query = trx.selectFrom('box_connections').selectAll().where('user_id', '=', userId);
    // Row locks where the engine has them; SQLite's immediate transaction already holds the write lock.
    if (deps.db.capabilities.skipLocked) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row) return { kind: 'missing' };
    if (row.broken_at !== null) return { kind: 'broken', reason: row.broken_reason };
    const pair = openTokens(deps.keys, row);
    if (stale !== undefined && pair.accessToken !== stale) return { kind: 'token', token: asAccessToken(row, pair, now) };
    const oauth = new BoxOAuth({ config: new OAuthConfig({ ...deps.app, tokenStorage: new LockedRowStorage(trx, deps.keys, row, now) }) });
    try {
      const token = await oauth.refreshToken(deps.session);
      deps.onRefresh?.(userId);
      return { kind: 'token', token };
    } catch (err) {
      if (err instanceof BoxConnectError) throw err;
      const error = toBoxApiError(err, { operation: 'token refresh' });
      if (error.code === 'invalid_grant' || error.code === 'invalid_client' || error.code === 'unauthorized_client') {
        const reason = `Box refused the stored grant (${error.code}) at ${new Date(now).toISOString()}; it was revoked, expired, or used elsewhere`;
        await markBroken(trx, userId, reason, now);
        return { kind: 'broken', reason };
      }
      throw new BoxConnectError('box_token_conflict', `Could not refresh the Box token: ${error.message}`, { fix: 'Try again in a minute; if it persists, reconnect Box.', status: 502, cause: error });
    }
  });
  if (outcome.kind === 'missing') throw notConnected();
  if (outcome.kind === 'broken') throw brokenConnection(outcome.reason);
  return outcome.token;
}

/** The stored token, refreshed first when it is about to expire. */
export async function currentToken(deps: TokenDeps, userId: number): Promise<AccessToken> {
  const row = await findConnection(deps.db.kysely, userId);
  if (!row) throw notConnected();
  if (row.broken_at !== null) throw brokenConnection(row.broken_reason);
  const now = deps.now();
  const pair = openTokens(deps.keys, row);
  if (row.access_expires_at - (deps.marginMs ?? 60_000) <= now) return refreshAfter(deps, userId, pair.accessToken);
  return asAccessToken(row, pair, now);
}

/**
 * The SDK's Authentication for one user, for one operation: it remembers the access token it
 * handed out, so a 401 refreshes only if nobody has replaced that token yet.
 */
export class UserBoxAuth implements Authentication {
  private handed: string | undefined;
  private readonly deps: TokenDeps;
  readonly userId: number;
  constructor(deps: TokenDeps, userId: number) {
    this.deps = deps;
    this.userId = userId;
  }

  async retrieveToken(): Promise<AccessToken> {
    const token = await currentToken(this.deps, this.userId);
    this.handed = token.accessToken;
    return token;
  }

  async refreshToken(): Promise<AccessToken> {
    const token = await refreshAfter(this.deps, this.userId, this.handed);
    this.handed = token.accessToken;
    return token;
  }

  async retrieveAuthorizationHeader(): Promise<string> {
    return `Bearer ${(await this.retrieveToken()).accessToken ?? ''}`;
  }

  /** Revoke at Box through the SDK (the grant dies: access and refresh token alike). */
  async revokeToken(networkSession?: NetworkSession): Promise<undefined> {
    const row = await findConnection(this.deps.db.kysely, this.userId);
    if (!row) return undefined;
    // Box revokes the whole grant given either token; the refresh token is the one sure to be
    // alive (an access token may have expired), so it is what the SDK sends as `token`.
    const pair = openTokens(this.deps.keys, row);
    const token: AccessToken = { accessToken: pair.refreshToken, tokenType: 'bearer' };
    const storage: TokenStorage = { get: async () => token, store: async () => undefined, clear: async () => undefined };
    await new BoxOAuth({ config: new OAuthConfig({ ...this.deps.app, tokenStorage: storage }) }).revokeToken(networkSession ?? this.deps.session);
    return undefined;
  }

  downscopeToken(): Promise<AccessToken> {
    return Promise.reject(new BoxConnectError('box_connect_off', 'Downscoped tokens are not used by aiqc.', { fix: 'None needed.', status: 400 }));
  }
}
