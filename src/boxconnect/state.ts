/**
 * OAuth `state` for the Box authorize round trip (DESIGN §10): HMAC-signed, valid 10 minutes,
 * single use (its nonce is recorded when used), and bound twice: to the browser that started it
 * (a random `aiqc_box_oauth` cookie whose hash the state carries) and, for "Connect Box", to the
 * signed-in session (the session's hash and user id, checked against the sessions table, since
 * a SameSite=Strict session cookie is not sent on the redirect back from Box).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { BoxConnectError } from './errors.js';
import { stateMacKey, type SecretKeyRing } from './keys.js';

export const STATE_TTL_MS = 10 * 60 * 1000;
export const BINDING_COOKIE = 'aiqc_box_oauth';

export interface StatePayload {
  /** Random, recorded on use. */
  n: string;
  /** connect: link Box to the signed-in account; signin: sign in with Box. */
  m: 'connect' | 'signin';
  /** users.id (connect). */
  u: number | null;
  /** SHA-256 of the session secret (connect). */
  s: string | null;
  /** SHA-256 of the browser binding cookie. */
  b: string;
  /** Expiry, epoch ms. */
  x: number;
  /** Key id whose MAC key signed it. */
  k: string;
  /** Where to go afterwards (a console path). */
  r: string;
}

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

const restart = 'Start again from the console: choose "Connect Box" (or "Sign in with Box") once more.';

export function newBinding(): string {
  return randomBytes(24).toString('base64url');
}

export function signState(ring: SecretKeyRing, input: { mode: StatePayload['m']; userId: number | null; sessionSecret: string | null; binding: string; returnTo: string; now: number }): string {
  const payload: StatePayload = {
    n: randomBytes(16).toString('base64url'),
    m: input.mode,
    u: input.userId,
    s: input.sessionSecret ? sha256(input.sessionSecret) : null,
    b: sha256(input.binding),
    x: input.now + STATE_TTL_MS,
    k: ring.current.id,
    r: input.returnTo,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', stateMacKey(ring.current)).update(body).digest('base64url')}`;
}

/** Check signature and expiry; binding (checkBinding) and single use (consumeNonce) come after. */
export function verifyState(ring: SecretKeyRing, state: string | undefined, now: number): StatePayload {
  const [body, mac] = (state ?? '').split('.');
  const tampered = () => new BoxConnectError('oauth_state_invalid', 'The sign-in link back from Box was altered or is not one aiqc issued.', { fix: restart, status: 400 });
  if (!body || !mac) throw tampered();
  let payload: StatePayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StatePayload;
  } catch {
    throw tampered();
  }
  const key = ring.keys.find((k) => k.id === payload.k);
  if (!key) throw tampered();
  const expected = createHmac('sha256', stateMacKey(key)).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw tampered();
  if (typeof payload.x !== 'number' || payload.x < now) {
    throw new BoxConnectError('oauth_state_expired', 'The sign-in link back from Box expired (it is valid for 10 minutes).', { fix: restart, status: 400 });
  }
  return payload;
}

/** The browser that comes back must be the one that started (its binding cookie). */
export function checkBinding(payload: StatePayload, binding: string | undefined): void {
  if (!binding || sha256(binding) !== payload.b) {
    throw new BoxConnectError('oauth_state_foreign', 'This Box sign-in was started in another browser or by someone else, so aiqc refused it.', { fix: restart, status: 403 });
  }
}

/** Whether the state was used already (read only: a foreign browser must not burn it). */
export async function nonceUsed(db: Kysely<Database>, payload: StatePayload): Promise<boolean> {
  return (await db.selectFrom('box_oauth_states').select('nonce').where('nonce', '=', payload.n).executeTakeFirst()) !== undefined;
}

export const replayedStateError = (): BoxConnectError =>
  new BoxConnectError('oauth_state_replayed', 'This sign-in link back from Box was already used once.', { fix: restart, status: 400 });

/** Record the nonce; a second use of the same state is a replay. Old nonces are pruned. */
export async function consumeNonce(db: Kysely<Database>, payload: StatePayload, now: number): Promise<void> {
  await db.deleteFrom('box_oauth_states').where('expires_at', '<', now).execute();
  const inserted = await db.insertInto('box_oauth_states').values({ nonce: payload.n, used_at: now, expires_at: payload.x }).onConflict((oc) => oc.column('nonce').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) throw replayedStateError();
}

/** For "Connect Box": the session that started it must still be signed in as the same user. */
export async function checkSessionBinding(db: Kysely<Database>, payload: StatePayload, now: number): Promise<number> {
  const session = payload.s ? await db.selectFrom('sessions').select(['user_id', 'expires_at']).where('token_hash', '=', payload.s).executeTakeFirst() : undefined;
  if (!session || session.expires_at <= now || session.user_id !== payload.u) {
    throw new BoxConnectError('oauth_state_foreign', 'The console session that started this Box connection has ended or belongs to someone else.', {
      fix: 'Sign in to the console again, then choose "Connect Box".',
      status: 403,
    });
  }
  return session.user_id;
}
