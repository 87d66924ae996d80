// AIQC_SECRET_KEY parsing, AES-256-GCM bound to its row, and `aiqc secrets rotate` re-encrypting
// every stored connection under the new first key (both engines); config errors name the fix.
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/accounts.js';
import { decryptSecret, encryptSecret, parseSecretKeys } from '../../src/boxconnect/keys.js';
import { findConnection, openTokens, saveConnection } from '../../src/boxconnect/store.js';
import { registerSecretsCommands } from '../../src/cli/secrets.js';
import { readEnvironment } from '../../src/config/environment.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';
import { newSecretKeyEnv } from './world.js';

describe('secret keys', () => {
  it('parses several keys, the first encrypts, any listed one decrypts; errors never echo key material', () => {
    const env = newSecretKeyEnv('k2', 'k1');
    const ring = parseSecretKeys(env);
    expect(ring.current.id).toBe('k2');
    const old = parseSecretKeys(env.split(',')[1]);
    const sealed = encryptSecret(old, 'hello', 'box_connection:1');
    expect(sealed.keyId).toBe('k1');
    expect(decryptSecret(ring, sealed.ciphertext, 'box_connection:1')).toBe('hello');
    // Bound to its row: the same ciphertext on another user's row does not open.
    expect(() => decryptSecret(ring, sealed.ciphertext, 'box_connection:2')).toThrow(/does not decrypt/);
    expect(() => decryptSecret(parseSecretKeys(newSecretKeyEnv('k3')), sealed.ciphertext, 'box_connection:1')).toThrow(/key "k1", which AIQC_SECRET_KEY no longer lists/);
    const short = 'k1:' + Buffer.alloc(16, 7).toString('base64');
    expect(() => parseSecretKeys(short)).toThrow(/16 bytes after base64 decoding; AES-256 needs 32/);
    try {
      parseSecretKeys(short);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(short.slice(3));
    }
    expect(() => parseSecretKeys(Buffer.alloc(32).toString('base64'))).toThrow(/no key id/);
  });

  it('serve refuses to start with Box connect on and no AIQC_SECRET_KEY, naming the variable and the fix', () => {
    expect(() => readEnvironment({ BOX_CONNECT_CLIENT_ID: 'abc', BOX_CONNECT_CLIENT_SECRET: 'def' }, ['server'])).toThrow(/AIQC_SECRET_KEY[\s\S]*fix: Set AIQC_SECRET_KEY to "kid:base64"/);
    expect(readEnvironment({ BOX_CONNECT_CLIENT_ID: 'abc', BOX_CONNECT_CLIENT_SECRET: 'def', AIQC_SECRET_KEY: newSecretKeyEnv('k1') }, ['server']).server.port).toBe(8080);
    expect(readEnvironment({}, ['server']).server.port).toBe(8080);
  });
});

describe.each(ENGINES)('aiqc secrets rotate (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('re-encrypts every row under the new first key; the old key can then be dropped', async () => {
    const k1 = newSecretKeyEnv('k1');
    const k2 = newSecretKeyEnv('k2');
    const pairs = [];
    for (const n of [1, 2, 3]) {
      const user = await createUser(t.db.kysely, { email: `rot${n}@agency.example`, role: 'member', clients: [], passwordHash: null });
      const pair = { accessToken: `access-${n}-${Math.random()}`, refreshToken: `refresh-${n}-${Math.random()}` };
      await saveConnection(t.db.kysely, parseSecretKeys(k1), { userId: user.id, box: { id: `${n}`, name: `U${n}`, login: `u${n}@box.example` }, pair, expiresInS: 3600 }, Date.now());
      pairs.push({ userId: user.id, pair });
    }
    const output: string[] = [];
    const program = new Command().exitOverride();
    registerSecretsCommands(program, { withDb: (fn) => fn(t.db), stdout: (s) => output.push(s), env: { AIQC_SECRET_KEY: `${k2},${k1}` } });
    await program.parseAsync(['secrets', 'rotate'], { from: 'user' });
    expect(output.join('')).toContain('Re-encrypted 3 of 3 Box connection(s) under key "k2" (before: 3 under "k1")');
    expect(output.join('')).toContain('you may remove "k1"');
    for (const { userId, pair } of pairs) {
      const row = await findConnection(t.db.kysely, userId);
      expect(row?.key_id).toBe('k2');
      expect(openTokens(parseSecretKeys(k2), row!)).toEqual(pair);
    }
  });
});
