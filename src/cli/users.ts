// `aiqc users add|list|remove|sign-out` and `aiqc tokens create` (DESIGN §9): console accounts.
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import {
  AccountError,
  createApiToken,
  createUser,
  listUsers,
  removeUser,
  revokeUserSessions,
} from '../auth/accounts.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.js';
import type { Db } from '../db/database.js';
import { USER_ROLES, type UserRole } from '../db/schema.js';
import { UsageError } from './errors.js';
import { asUsageErrors } from './storage-errors.js';

export interface UsersCommandDeps {
  /** Open the database (migrated), run `fn`, close it. */
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  stdout: (text: string) => void;
  /** The whole of standard input (for --password-stdin). */
  readStdin: () => Promise<string>;
  /** Client ids from clients.yaml, to refuse a typo in --client. */
  knownClients: () => Promise<readonly string[]>;
}

const accountErrors = async <T>(action: () => Promise<T>): Promise<T> => {
  try {
    return await asUsageErrors(action);
  } catch (error) {
    if (error instanceof AccountError) throw new UsageError(error.message);
    throw error;
  }
};

export function registerUsersCommands(program: Command, deps: UsersCommandDeps): void {
  const users = program.command('users').description('web console accounts (admins see every client; members only theirs)');
  users
    .command('add')
    .description('add a user; without --password-stdin a random password is printed once')
    .argument('<email>', 'the e-mail they sign in with')
    .addOption(new Option('--role <role>', 'admin or member').choices(USER_ROLES).makeOptionMandatory())
    .option('--client <id>', 'a client a member may see (repeat for several)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--password-stdin', 'read the password from standard input')
    .action((email: string, options: { role: UserRole; client: string[]; passwordStdin?: boolean }) =>
      accountErrors(async () => {
        const known = await deps.knownClients();
        const unknown = options.client.filter((c) => !known.includes(c));
        if (unknown.length > 0) throw new UsageError(`unknown client ${unknown.map((c) => `"${c}"`).join(', ')}: see \`aiqc clients list\` (known: ${known.join(', ') || 'none'})`);
        if (options.role === 'member' && options.client.length === 0) throw new UsageError('a member sees only their clients: give at least one --client ID (or --role admin)');
        let password: string;
        let generated = false;
        if (options.passwordStdin) {
          password = (await deps.readStdin()).replace(/\r?\n$/, '');
          if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters; a passphrase of a few words is easiest`);
        } else {
          password = randomBytes(15).toString('base64url');
          generated = true;
        }
        const user = await deps.withDb(async (db) => createUser(db.kysely, { email, role: options.role, clients: options.client, passwordHash: await hashPassword(password) }));
        deps.stdout(`added ${user.email} (${user.role}${user.clients.length ? `; clients: ${user.clients.join(', ')}` : ''})\n`);
        if (generated) deps.stdout(`password (shown once): ${password}\n`);
      }),
    );
  users
    .command('list')
    .description('list users, their role and clients')
    .option('--json', 'print a JSON array')
    .action((options: { json?: boolean }) =>
      accountErrors(async () => {
        const list = await deps.withDb((db) => listUsers(db.kysely));
        if (options.json) {
          deps.stdout(`${JSON.stringify(list.map((u) => ({ email: u.email, role: u.role, clients: u.clients, created_at: new Date(u.createdAt).toISOString() })), null, 2)}\n`);
        } else if (list.length === 0) {
          deps.stdout('no users; add one with `aiqc users add EMAIL --role admin`\n');
        } else {
          for (const u of list) deps.stdout(`${u.email}  ${u.role}  ${u.role === 'admin' ? 'all clients' : u.clients.join(', ')}\n`);
        }
      }),
    );
  users
    .command('remove')
    .description('remove a user; their sessions and API tokens stop working at once')
    .argument('<email>')
    .action((email: string) =>
      accountErrors(async () => {
        const removed = await deps.withDb((db) => removeUser(db.kysely, email));
        if (!removed) throw new UsageError(`no user ${email.trim().toLowerCase()}; see \`aiqc users list\``);
        deps.stdout(`removed ${email.trim().toLowerCase()}\n`);
      }),
    );
  users
    .command('sign-out')
    .description("end every console session of a user (e.g. a lost laptop); API tokens are unaffected")
    .argument('<email>')
    .action((email: string) =>
      accountErrors(async () => {
        const count = await deps.withDb((db) => revokeUserSessions(db.kysely, email));
        deps.stdout(`ended ${count} session${count === 1 ? '' : 's'} of ${email.trim().toLowerCase()}\n`);
      }),
    );

  const tokens = program.command('tokens').description('API tokens for scripts (Authorization: Bearer TOKEN)');
  tokens
    .command('create')
    .description('create an API token that acts as the user; printed once')
    .argument('<email>')
    .option('--label <text>', 'what the token is for')
    .action((email: string, options: { label?: string }) =>
      accountErrors(async () => {
        const token = await deps.withDb((db) => createApiToken(db.kysely, email, options.label ?? null));
        deps.stdout(`${token}\n`);
      }),
    );
}
