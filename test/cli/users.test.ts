// `aiqc users add|list|remove|sign-out` and `aiqc tokens create` against a real database.
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, findUserForLogin, sessionPrincipal, tokenPrincipal } from '../../src/auth/accounts.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import { UsageError } from '../../src/cli/errors.js';
import { registerUsersCommands } from '../../src/cli/users.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { createTestDatabase, type TestDatabase } from '../db/test-databases.js';

describe('users and tokens commands', () => {
  let t: TestDatabase;
  let out = '';
  let stdin = '';
  const run = async (...args: string[]): Promise<string> => {
    out = '';
    const program = new Command('aiqc').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerUsersCommands(program, {
      withDb: async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
        const db = await openDatabase(t.config);
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      },
      stdout: (text) => void (out += text),
      readStdin: async () => stdin,
      knownClients: async () => ['acme', 'globex'],
    });
    await program.parseAsync(args, { from: 'user' });
    return out;
  };

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('adds an admin with a password from stdin, stored as a scrypt hash', async () => {
    stdin = 'a long passphrase here\n';
    expect(await run('users', 'add', 'Boss@Agency.example', '--role', 'admin', '--password-stdin')).toBe('added boss@agency.example (admin)\n');
    const user = await findUserForLogin(t.db.kysely, 'boss@agency.example');
    expect(user!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('a long passphrase here', user!.passwordHash!)).toBe(true);
    expect(await verifyPassword('a long passphrase her', user!.passwordHash!)).toBe(false);
  });

  it('refuses a member without a client, an unknown client, a short password and a duplicate', async () => {
    await expect(run('users', 'add', 'ann@agency.example', '--role', 'member')).rejects.toThrow(/give at least one --client ID/);
    await expect(run('users', 'add', 'ann@agency.example', '--role', 'member', '--client', 'acmee')).rejects.toThrow(/unknown client "acmee".*known: acme, globex/);
    stdin = 'short\n';
    await expect(run('users', 'add', 'ann@agency.example', '--role', 'member', '--client', 'acme', '--password-stdin')).rejects.toThrow(UsageError);
    await expect(run('users', 'add', 'boss@agency.example', '--role', 'admin')).rejects.toThrow(/already exists/);
  });

  it('adds a member with a printed one-time password, lists, issues a token, signs out and removes', async () => {
    const added = await run('users', 'add', 'ann@agency.example', '--role', 'member', '--client', 'acme', '--client', 'globex');
    const password = /password \(shown once\): (\S+)/.exec(added)![1]!;
    const ann = await findUserForLogin(t.db.kysely, 'ann@agency.example');
    expect(await verifyPassword(password, ann!.passwordHash!)).toBe(true);
    expect(await run('users', 'list')).toContain('ann@agency.example  member  acme, globex');

    const token = (await run('tokens', 'create', 'ann@agency.example')).trim();
    expect(token).toMatch(/^aiqc_[A-Za-z0-9_-]{43}$/);
    expect(await tokenPrincipal(t.db.kysely, token)).toMatchObject({ email: 'ann@agency.example', role: 'member', clients: ['acme', 'globex'] });
    // Only the hash is stored.
    const stored = await t.db.kysely.selectFrom('api_tokens').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const session = await createSession(t.db.kysely, ann!.id);
    expect(await run('users', 'sign-out', 'ann@agency.example')).toBe('ended 1 session of ann@agency.example\n');
    expect(await sessionPrincipal(t.db.kysely, session)).toBeUndefined();

    expect(await run('users', 'remove', 'ann@agency.example')).toBe('removed ann@agency.example\n');
    expect(await tokenPrincipal(t.db.kysely, token)).toBeUndefined();
    await expect(run('users', 'remove', 'ann@agency.example')).rejects.toThrow(/no user ann@agency.example/);
  });
});
