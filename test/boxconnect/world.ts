// What the Box connect tests share: the emulator, a key ring, a console user with a Box grant
// stored the way the callback stores it (encrypted), on SQLite or PostgreSQL.
import { randomBytes } from 'node:crypto';
import { createUser } from '../../src/auth/accounts.js';
import { parseSecretKeys, type SecretKeyRing } from '../../src/boxconnect/keys.js';
import { saveConnection } from '../../src/boxconnect/store.js';
import { startBoxEmulator, type BoxEmulator, type EmuUser } from '../../src/box-emulator/index.js';
import type { Db } from '../../src/db/database.js';

export function newSecretKeyEnv(...ids: string[]): string {
  return ids.map((id) => `${id}:${randomBytes(32).toString('base64')}`).join(',');
}

export interface ConnectWorld {
  emulator: BoxEmulator;
  app: { clientId: string; clientSecret: string };
  secretKeyEnv: string;
  keys: SecretKeyRing;
}

export async function startConnectWorld(): Promise<ConnectWorld> {
  const emulator = await startBoxEmulator();
  const { app } = emulator.admin.defaultApp();
  const secretKeyEnv = newSecretKeyEnv('k1');
  return { emulator, app: { clientId: app.clientId, clientSecret: app.clientSecret }, secretKeyEnv, keys: parseSecretKeys(secretKeyEnv) };
}

/** A console user connected to a new Box user: the grant issued by the emulator, stored encrypted. */
export async function connectedUser(w: ConnectWorld, db: Db, email: string): Promise<{ userId: number; box: EmuUser; accessToken: string; refreshToken: string }> {
  const user = await createUser(db.kysely, { email, role: 'member', clients: [], passwordHash: null });
  const box = w.emulator.admin.createUser({ name: `Box ${email}`, login: email });
  const grant = w.emulator.core.tokens.issue(box.id, w.app.clientId, true) as { access_token: string; refresh_token: string; expires_in: number };
  await saveConnection(db.kysely, w.keys, { userId: user.id, box: { id: box.id, name: box.name, login: box.login }, pair: { accessToken: grant.access_token, refreshToken: grant.refresh_token }, expiresInS: grant.expires_in }, Date.now());
  return { userId: user.id, box, accessToken: grant.access_token, refreshToken: grant.refresh_token };
}
