// Box's OAuth 2 token endpoint as the emulator plays it: JWT bearer (RS256 assertion checked
// against the app's public key), client credentials, authorization code, refresh with
// rotation, and revoke. Errors use OAuth's `{error, error_description}` like Box does.
import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import type { EmuApp, EmuState } from './state.js';

export const JWT_AUDIENCE = 'https://api.box.com/oauth2/token';
const MAX_ASSERTION_LIFETIME_S = 60;

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }
}

interface IssuedToken {
  userId: string;
  clientId: string;
  expiresAtMs: number;
  refreshToken?: string;
}

interface IssuedRefresh {
  userId: string;
  clientId: string;
  expiresAtMs: number;
  accessToken: string;
}

/** Tokens are process state, not persisted: a restarted emulator answers 401 and clients re-authenticate. */
export class TokenStore {
  readonly accessTokens = new Map<string, IssuedToken>();
  readonly refreshTokens = new Map<string, IssuedRefresh>();
  readonly authCodes = new Map<string, { userId: string; clientId: string; redirectUri: string; expiresAtMs: number }>();
  /** jti → expiry; a jti may be used once while its assertion could still be valid. */
  readonly usedJtis = new Map<string, number>();
  /** Successful refresh_token grants so far (tests: N callers after an expiry → exactly one). */
  refreshCount = 0;

  constructor(
    private readonly now: () => number,
    public accessTokenTtlS: number,
  ) {}

  issue(userId: string, clientId: string, withRefresh: boolean): Record<string, unknown> {
    const accessToken = randomBytes(24).toString('base64url');
    const record: IssuedToken = { userId, clientId, expiresAtMs: this.now() + this.accessTokenTtlS * 1000 };
    const response: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: this.accessTokenTtlS,
      restricted_to: [],
      token_type: 'bearer',
    };
    if (withRefresh) {
      const refreshToken = randomBytes(48).toString('base64url');
      record.refreshToken = refreshToken;
      this.refreshTokens.set(refreshToken, {
        userId,
        clientId,
        accessToken,
        expiresAtMs: this.now() + 60 * 24 * 3600 * 1000,
      });
      response['refresh_token'] = refreshToken;
    }
    this.accessTokens.set(accessToken, record);
    return response;
  }

  /** The user behind a bearer token, or undefined when unknown or expired (→ 401). */
  authenticate(accessToken: string): IssuedToken | undefined {
    const record = this.accessTokens.get(accessToken);
    if (!record) return undefined;
    if (record.expiresAtMs <= this.now()) {
      this.accessTokens.delete(accessToken);
      return undefined;
    }
    return record;
  }

  revoke(token: string): void {
    const access = this.accessTokens.get(token);
    if (access) {
      this.accessTokens.delete(token);
      if (access.refreshToken) this.refreshTokens.delete(access.refreshToken);
    }
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      this.refreshTokens.delete(token);
      this.accessTokens.delete(refresh.accessToken);
    }
  }

  /** Make every live access token expire now (admin: test the 401 → refresh path). */
  expireAll(): number {
    let count = 0;
    for (const record of this.accessTokens.values()) {
      record.expiresAtMs = this.now() - 1;
      count += 1;
    }
    return count;
  }
}

function requireApp(state: EmuState, clientId: string | undefined, clientSecret: string | undefined): EmuApp {
  const app = clientId ? state.apps.get(clientId) : undefined;
  if (!app || app.clientSecret !== clientSecret) {
    throw new OAuthError('invalid_client', 'The client credentials are invalid');
  }
  return app;
}

function subjectUser(state: EmuState, app: EmuApp, subjectType: string | undefined, subjectId: string | undefined): string {
  if (subjectType === 'enterprise') {
    if (subjectId !== state.enterpriseId) {
      throw new OAuthError('invalid_grant', `Please check the 'sub' claim. The enterprise ${subjectId ?? ''} is not authorized for this app.`);
    }
    return app.serviceAccountId;
  }
  if (subjectType === 'user') {
    if (!subjectId || !state.users.has(subjectId)) {
      throw new OAuthError('invalid_grant', `Please check the 'sub' claim. The user ${subjectId ?? ''} is not found in this enterprise.`);
    }
    return subjectId;
  }
  throw new OAuthError('invalid_grant', "Please check the 'box_sub_type' claim: it must be 'enterprise' or 'user'.");
}

const ALGORITHMS: Record<string, string> = { RS256: 'RSA-SHA256', RS384: 'RSA-SHA384', RS512: 'RSA-SHA512' };

function decodeSegment(segment: string | undefined, what: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new OAuthError('invalid_grant', `Invalid JWT assertion: the ${what} is not base64url JSON.`);
  }
}

/** Verify a JWT-bearer assertion the way Box does and return the user it authenticates. */
export function verifyJwtAssertion(state: EmuState, tokens: TokenStore, app: EmuApp, assertion: string, nowMs: number): string {
  const [headerPart, payloadPart, signaturePart] = assertion.split('.');
  if (!headerPart || !payloadPart || !signaturePart) {
    throw new OAuthError('invalid_grant', 'Invalid JWT assertion: expected three dot-separated parts.');
  }
  const header = decodeSegment(headerPart, 'header');
  const claims = decodeSegment(payloadPart, 'payload');
  const algorithm = ALGORITHMS[String(header['alg'])];
  if (!algorithm) throw new OAuthError('invalid_grant', "Please check the 'alg' header: RS256, RS384 or RS512 is required.");
  if (header['kid'] !== undefined && header['kid'] !== app.publicKeyId) {
    throw new OAuthError('invalid_grant', "Please check the 'kid' header: no public key with that id is registered for this app.");
  }
  const verifier = createVerify(algorithm);
  verifier.update(`${headerPart}.${payloadPart}`);
  if (!verifier.verify(createPublicKey(app.publicKeyPem), Buffer.from(signaturePart, 'base64url'))) {
    throw new OAuthError(
      'invalid_grant',
      "Signature verification error. The public key identified by 'kid' must correspond to the private key used for signing.",
    );
  }
  if (claims['iss'] !== app.clientId) throw new OAuthError('invalid_grant', "Please check the 'iss' claim.");
  const audience = claims['aud'];
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(JWT_AUDIENCE)) throw new OAuthError('invalid_grant', "Please check the 'aud' claim.");
  const nowS = Math.floor(nowMs / 1000);
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp <= nowS || exp - nowS > MAX_ASSERTION_LIFETIME_S) {
    throw new OAuthError('invalid_grant', "Please check the 'exp' claim. It must be in the future and at most 60 seconds from now.");
  }
  const jti = claims['jti'];
  if (typeof jti !== 'string' || jti.length < 16 || jti.length > 128) {
    throw new OAuthError('invalid_grant', "Please check the 'jti' claim. A unique string of 16 to 128 characters is required.");
  }
  for (const [used, expiry] of tokens.usedJtis) if (expiry < nowS) tokens.usedJtis.delete(used);
  if (tokens.usedJtis.has(jti)) {
    throw new OAuthError('invalid_grant', "Please check the 'jti' claim. A unique 'jti' value is required.");
  }
  tokens.usedJtis.set(jti, exp);
  return subjectUser(state, app, claims['box_sub_type'] as string | undefined, claims['sub'] as string | undefined);
}

/** POST /oauth2/token with a form body already parsed. Returns Box's AccessToken JSON. */
export function handleTokenRequest(
  state: EmuState,
  tokens: TokenStore,
  form: URLSearchParams,
  nowMs: number,
): Record<string, unknown> {
  const grantType = form.get('grant_type');
  const clientId = form.get('client_id') ?? undefined;
  const clientSecret = form.get('client_secret') ?? undefined;
  switch (grantType) {
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
      const app = requireApp(state, clientId, clientSecret);
      const userId = verifyJwtAssertion(state, tokens, app, form.get('assertion') ?? '', nowMs);
      return tokens.issue(userId, app.clientId, false);
    }
    case 'client_credentials': {
      const app = requireApp(state, clientId, clientSecret);
      const userId = subjectUser(
        state,
        app,
        form.get('box_subject_type') ?? undefined,
        form.get('box_subject_id') ?? undefined,
      );
      return tokens.issue(userId, app.clientId, false);
    }
    case 'authorization_code': {
      const app = requireApp(state, clientId, clientSecret);
      const code = form.get('code') ?? '';
      const grant = tokens.authCodes.get(code);
      tokens.authCodes.delete(code);
      if (!grant || grant.clientId !== app.clientId || grant.expiresAtMs < nowMs) {
        throw new OAuthError('invalid_grant', 'Auth code doesn\'t exist or is invalid for the client');
      }
      return tokens.issue(grant.userId, app.clientId, true);
    }
    case 'refresh_token': {
      const app = requireApp(state, clientId, clientSecret);
      const refreshToken = form.get('refresh_token') ?? '';
      const grant = tokens.refreshTokens.get(refreshToken);
      if (!grant || grant.clientId !== app.clientId || grant.expiresAtMs < nowMs) {
        throw new OAuthError('invalid_grant', 'Invalid refresh token');
      }
      // Rotation: the refresh token and the access token it came with die with this use.
      tokens.revoke(refreshToken);
      tokens.refreshCount += 1;
      return tokens.issue(grant.userId, app.clientId, true);
    }
    default:
      throw new OAuthError('unsupported_grant_type', `Grant type ${grantType ?? '(none)'} is not supported by the emulator`);
  }
}

export function createAuthCode(tokens: TokenStore, clientId: string, userId: string, redirectUri: string, nowMs: number): string {
  const code = randomBytes(16).toString('base64url');
  tokens.authCodes.set(code, { userId, clientId, redirectUri, expiresAtMs: nowMs + 30_000 });
  return code;
}
