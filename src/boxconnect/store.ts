/**
 * The box_connections repository: one row per console user, the token pair encrypted
 * (keys.ts). Plaintext tokens exist only in memory, between a decrypt and the HTTP call.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { BoxConnectionsTable, Database } from '../db/schema.js';
import { BoxConnectError } from './errors.js';
import { decryptSecret, encryptSecret, type SecretKeyRing } from './keys.js';

export type ConnectionRow = Selectable<BoxConnectionsTable>;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface BoxIdentity {
  id: string;
  name: string;
  login: string;
}

type Q = Kysely<Database> | Transaction<Database>;

export const tokenAad = (userId: number): string => `box_connection:${userId}`;

export function sealTokens(ring: SecretKeyRing, userId: number, pair: TokenPair): { tokens: string; key_id: string } {
  const { ciphertext, keyId } = encryptSecret(ring, JSON.stringify({ a: pair.accessToken, r: pair.refreshToken }), tokenAad(userId));
  return { tokens: ciphertext, key_id: keyId };
}

export function openTokens(ring: SecretKeyRing, row: Pick<ConnectionRow, 'user_id' | 'tokens'>): TokenPair {
  const parsed = JSON.parse(decryptSecret(ring, row.tokens, tokenAad(row.user_id))) as { a: string; r: string };
  return { accessToken: parsed.a, refreshToken: parsed.r };
}

export async function findConnection(db: Q, userId: number): Promise<ConnectionRow | undefined> {
  return db.selectFrom('box_connections').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Store a fresh grant (connect or reconnect): replaces any previous row, clears "broken". */
export async function saveConnection(
  db: Q,
  ring: SecretKeyRing,
  input: { userId: number; box: BoxIdentity; pair: TokenPair; expiresInS: number },
  now: number,
): Promise<void> {
  const sealed = sealTokens(ring, input.userId, input.pair);
  const values = {
    box_user_id: input.box.id,
    box_user_name: input.box.name,
    box_user_login: input.box.login,
    ...sealed,
    access_expires_at: now + input.expiresInS * 1000,
    connected_at: now,
    refreshed_at: null,
    broken_at: null,
    broken_reason: null,
  };
  await db
    .insertInto('box_connections')
    .values({ user_id: input.userId, ...values, version: 1 })
    .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ ...values, version: eb('box_connections.version', '+', 1) })))
    .execute();
}

/**
 * Replace the pair after a refresh, only if the row is still the version the caller read
 * (compare-and-swap). Returns false when someone else wrote first.
 */
export async function swapTokens(db: Q, ring: SecretKeyRing, row: ConnectionRow, pair: TokenPair, expiresInS: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('box_connections')
    .set({ ...sealTokens(ring, row.user_id, pair), access_expires_at: now + expiresInS * 1000, refreshed_at: now, version: row.version + 1 })
    .where('user_id', '=', row.user_id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markBroken(db: Q, userId: number, reason: string, now: number): Promise<void> {
  await db
    .updateTable('box_connections')
    .set((eb) => ({ broken_at: now, broken_reason: reason, version: eb('version', '+', 1) }))
    .where('user_id', '=', userId)
    .execute();
}

export async function deleteConnection(db: Q, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('box_connections').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The row as the user may see it: never a token. */
export function connectionStatus(row: ConnectionRow | undefined): {
  connected: boolean;
  box_user: BoxIdentity | null;
  connected_at: string | null;
  broken: { at: string; reason: string } | null;
} {
  if (!row) return { connected: false, box_user: null, connected_at: null, broken: null };
  return {
    connected: row.broken_at === null,
    box_user: { id: row.box_user_id, name: row.box_user_name, login: row.box_user_login },
    connected_at: new Date(row.connected_at).toISOString(),
    broken: row.broken_at === null ? null : { at: new Date(row.broken_at).toISOString(), reason: row.broken_reason ?? 'Box refused the stored grant' },
  };
}

/**
 * Re-encrypt every row under the current key (`aiqc secrets rotate`). Each row is rewritten
 * with a compare-and-swap on its version, so a refresh racing the rotation is never lost: the
 * row is read again and retried.
 */
export async function reencryptAll(db: Kysely<Database>, ring: SecretKeyRing): Promise<{ rows: number; rewritten: number; byKey: Record<string, number> }> {
  const rows = await db.selectFrom('box_connections').select(['user_id', 'key_id']).orderBy('user_id').execute();
  const byKey: Record<string, number> = {};
  let rewritten = 0;
  for (const { user_id: userId, key_id: keyId } of rows) {
    byKey[keyId] = (byKey[keyId] ?? 0) + 1;
    for (let attempt = 0; ; attempt += 1) {
      const row = await findConnection(db, userId);
      if (!row) break;
      const pair = openTokens(ring, row);
      const result = await db
        .updateTable('box_connections')
        .set({ ...sealTokens(ring, userId, pair), version: row.version + 1 })
        .where('user_id', '=', userId)
        .where('version', '=', row.version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        rewritten += 1;
        break;
      }
      if (attempt > 10) throw new BoxConnectError('box_token_conflict', `Box connection of user ${userId} kept changing during rotation.`, { fix: 'Run `aiqc secrets rotate` again.', status: 409 });
    }
  }
  return { rows: rows.length, rewritten, byKey };
}
