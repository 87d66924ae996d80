/**
 * Console accounts (DESIGN §9): users with a role and, for members, the clients they may see;
 * server-side sessions (revocable: delete the row) and API tokens for scripts. Only hashes of
 * session and token secrets are stored.
 */
import { AiqcError } from '../qc/errors.js';
import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../db/schema.js';
import { API_TOKEN_PREFIX, newSecret, secretHash } from './secrets.js';

/** Who is making a request, and what they may see. */
export interface Principal {
  userId: number;
  email: string;
  role: UserRole;
  /** Clients a member is assigned to (admins see every client regardless). */
  clients: string[];
  via: 'session' | 'token';
}

export interface UserSummary {
  id: number;
  email: string;
  role: UserRole;
  clients: string[];
  hasPassword: boolean;
  createdAt: number;
}

export class AccountError extends AiqcError {
  constructor(code: 'invalid_email' | 'user_exists' | 'user_not_found', message: string) {
    super(code, message);
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function looksLikeEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
}

export async function createUser(
  db: Kysely<Database>,
  input: { email: string; role: UserRole; clients: readonly string[]; passwordHash: string | null },
  now = Date.now(),
): Promise<UserSummary> {
  const email = normaliseEmail(input.email);
  if (!looksLikeEmail(email)) throw new AccountError('invalid_email', `"${input.email}" is not an e-mail address.`);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing) throw new AccountError('user_exists', `A user ${email} already exists; remove it first with \`aiqc users remove ${email}\`.`);
    const row = await trx
      .insertInto('users')
      .values({ email, role: input.role, password_hash: input.passwordHash, created_at: now })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    const clients = [...new Set(input.clients)];
    if (clients.length > 0) await trx.insertInto('user_clients').values(clients.map((client_id) => ({ user_id: row.id, client_id }))).execute();
    return { id: row.id, email, role: input.role, clients, hasPassword: input.passwordHash !== null, createdAt: now };
  });
}

export async function listUsers(db: Kysely<Database>): Promise<UserSummary[]> {
  const users = await db.selectFrom('users').selectAll().orderBy('email').execute();
  const links = await db.selectFrom('user_clients').selectAll().orderBy('client_id').execute();
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    role: u.role,
    clients: links.filter((l) => l.user_id === u.id).map((l) => l.client_id),
    hasPassword: u.password_hash !== null,
    createdAt: u.created_at,
  }));
}

/** Remove a user with their sessions and tokens (cascade; deleted explicitly too, for SQLite files opened without foreign keys). */
export async function removeUser(db: Kysely<Database>, email: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('id').where('email', '=', normaliseEmail(email)).executeTakeFirst();
    if (!user) return false;
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('api_tokens').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('user_clients').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('users').where('id', '=', user.id).execute();
    return true;
  });
}

export async function findUserForLogin(db: Kysely<Database>, email: string): Promise<{ id: number; passwordHash: string | null } | undefined> {
  const row = await db.selectFrom('users').select(['id', 'password_hash']).where('email', '=', normaliseEmail(email)).executeTakeFirst();
  return row ? { id: row.id, passwordHash: row.password_hash } : undefined;
}

async function principalFor(db: Kysely<Database>, userId: number, via: Principal['via']): Promise<Principal | undefined> {
  const user = await db.selectFrom('users').select(['id', 'email', 'role']).where('id', '=', userId).executeTakeFirst();
  if (!user) return undefined;
  const clients = await db.selectFrom('user_clients').select('client_id').where('user_id', '=', userId).orderBy('client_id').execute();
  return { userId: user.id, email: user.email, role: user.role, clients: clients.map((c) => c.client_id), via };
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A new session; the returned secret goes in the cookie and nowhere else. */
export async function createSession(db: Kysely<Database>, userId: number, now = Date.now(), ttlMs = SESSION_TTL_MS): Promise<string> {
  const secret = newSecret();
  await db.insertInto('sessions').values({ token_hash: secretHash(secret), user_id: userId, created_at: now, expires_at: now + ttlMs, last_seen_at: now }).execute();
  return secret;
}

export async function sessionPrincipal(db: Kysely<Database>, secret: string, now = Date.now()): Promise<Principal | undefined> {
  const row = await db.selectFrom('sessions').select(['user_id', 'expires_at']).where('token_hash', '=', secretHash(secret)).executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  return principalFor(db, row.user_id, 'session');
}

export async function revokeSession(db: Kysely<Database>, secret: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', secretHash(secret)).execute();
}

/** Sign a user out everywhere; returns how many sessions ended. */
export async function revokeUserSessions(db: Kysely<Database>, email: string): Promise<number> {
  const user = await db.selectFrom('users').select('id').where('email', '=', normaliseEmail(email)).executeTakeFirst();
  if (!user) throw new AccountError('user_not_found', `No user ${normaliseEmail(email)}; see \`aiqc users list\`.`);
  const result = await db.deleteFrom('sessions').where('user_id', '=', user.id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function createApiToken(db: Kysely<Database>, email: string, label: string | null, now = Date.now()): Promise<string> {
  const user = await db.selectFrom('users').select('id').where('email', '=', normaliseEmail(email)).executeTakeFirst();
  if (!user) throw new AccountError('user_not_found', `No user ${normaliseEmail(email)}; add one with \`aiqc users add ${email} --role member --client ID\`.`);
  const secret = newSecret(API_TOKEN_PREFIX);
  await db.insertInto('api_tokens').values({ user_id: user.id, token_hash: secretHash(secret), label, created_at: now }).execute();
  return secret;
}

export async function tokenPrincipal(db: Kysely<Database>, secret: string, now = Date.now()): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id'])
    .where('token_hash', '=', secretHash(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  return principalFor(db, row.user_id, 'token');
}

/** Whether a principal may see a client's runs, reports and settings. */
export function canSeeClient(principal: Principal, clientId: string | null): boolean {
  if (principal.role === 'admin') return true;
  return clientId !== null && principal.clients.includes(clientId);
}
