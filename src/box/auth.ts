// One token per process, shared by every job: cached, refreshed a few minutes before Box
// would expire it (the SDK by itself refreshes only after a 401), and refreshed once even
// when many calls find it stale at the same moment.
import { BoxCcgAuth, BoxJwtAuth, CcgConfig, JwtConfig } from 'box-node-sdk';
import type { TokenStorage } from 'box-node-sdk/box';
import type { Authentication, NetworkSession } from 'box-node-sdk/networking';
import type { AccessToken } from 'box-node-sdk/schemas';
import { setTimeout as sleep } from 'node:timers/promises';
import { BoxApiError, toBoxApiError } from './errors.js';
import type { BoxLogger } from './logger.js';
import { silentLogger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from './retry.js';
import type { BoxAuthSettings } from './settings.js';
import { readJwtConfig } from './settings.js';

/**
 * Treats a token as gone `marginS` before its expiry (or at half its life, for tokens shorter
 * than twice the margin) so the next call fetches a new one before Box would refuse it.
 */
export class EarlyRefreshTokenStorage implements TokenStorage {
  private token: AccessToken | undefined;
  private storedAtMs = 0;

  constructor(
    private readonly marginS: number,
    private readonly now: () => number = Date.now,
  ) {}

  async store(token: AccessToken): Promise<undefined> {
    this.token = token;
    this.storedAtMs = this.now();
    return undefined;
  }

  async get(): Promise<AccessToken | undefined> {
    if (!this.token) return undefined;
    const lifetimeS = this.token.expiresIn ?? 3600;
    const refreshAtMs = this.storedAtMs + Math.max(lifetimeS - this.marginS, lifetimeS / 2) * 1000;
    return this.now() >= refreshAtMs ? undefined : this.token;
  }

  async clear(): Promise<undefined> {
    this.token = undefined;
    return undefined;
  }
}

/**
 * Wraps an SDK auth so concurrent callers share one in-flight refresh, and retries a token
 * request itself: each try asks the inner auth again, so a JWT grant carries a fresh assertion
 * (new jti) — the SDK's own retry would re-send the spent one, which Box refuses.
 */
export class SharedTokenAuth implements Authentication {
  private inflight: Promise<AccessToken> | undefined;
  tokensIssued = 0;

  constructor(
    private readonly inner: Authentication,
    private readonly storage: TokenStorage,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly logger: BoxLogger = silentLogger,
  ) {}

  async retrieveToken(networkSession?: NetworkSession): Promise<AccessToken> {
    return (await this.storage.get()) ?? this.refreshToken(networkSession);
  }

  refreshToken(networkSession?: NetworkSession): Promise<AccessToken> {
    this.inflight ??= this.requestWithRetry(networkSession)
      .then((token) => {
        this.tokensIssued += 1;
        return token;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async requestWithRetry(networkSession?: NetworkSession): Promise<AccessToken> {
    let lostAnswer = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.inner.refreshToken(networkSession);
      } catch (err) {
        const error = toBoxApiError(err, { operation: 'token request' });
        const delay = retryDelayMs(this.policy, error.status, error.retryAfterS !== undefined ? { 'retry-after': String(error.retryAfterS) } : {}, attempt);
        if (error.status === 0) lostAnswer = true;
        if (delay === undefined) throw lostAnswer && error.status !== 0 ? refusedAfterLostAnswer(error) : error;
        this.logger.warn({ status: error.status, code: error.code, attempt, delay_ms: delay }, 'Box token request failed transiently; retrying with a new assertion');
        await sleep(delay);
      }
    }
  }

  async retrieveAuthorizationHeader(networkSession?: NetworkSession): Promise<string> {
    const token = await this.retrieveToken(networkSession);
    return `Bearer ${token.accessToken ?? ''}`;
  }

  revokeToken(networkSession?: NetworkSession): Promise<undefined> {
    return this.inner.revokeToken(networkSession);
  }

  downscopeToken(scopes: readonly string[], resource?: string, sharedLink?: string, networkSession?: NetworkSession): Promise<AccessToken> {
    return this.inner.downscopeToken(scopes, resource, sharedLink, networkSession);
  }
}

/**
 * A token refusal that follows a lost connection: the lost request may have been taken by Box
 * (a spent jti, a rotated refresh token), so it says nothing about the credentials. Transient.
 */
function refusedAfterLostAnswer(error: BoxApiError): BoxApiError {
  return new BoxApiError({
    status: error.status,
    code: error.code,
    message: `Box token request failed: ${error.status} ${error.code} after an earlier attempt lost its connection; the job will retry (the credentials are not known to be wrong)`,
    ...(error.requestId !== undefined && { requestId: error.requestId }),
    transient: true,
    cause: error,
  });
}

export function createSharedAuth(
  settings: BoxAuthSettings,
  refreshMarginS: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  logger: BoxLogger = silentLogger,
): SharedTokenAuth {
  const storage = new EarlyRefreshTokenStorage(refreshMarginS);
  let inner: Authentication;
  if (settings.kind === 'jwt') {
    const { text } = readJwtConfig(settings.configPath);
    inner = new BoxJwtAuth({ config: JwtConfig.fromConfigJsonString(text, storage) });
  } else {
    inner = new BoxCcgAuth({
      config: new CcgConfig({
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        ...(settings.enterpriseId !== undefined && { enterpriseId: settings.enterpriseId }),
        ...(settings.userId !== undefined && { userId: settings.userId }),
        tokenStorage: storage,
      }),
    });
  }
  return new SharedTokenAuth(inner, storage, policy, logger);
}
