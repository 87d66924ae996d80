import type { Command } from 'commander';
import type { Db } from '../db/database.js';
import { revertDefaultProfileOverride, setDefaultProfileOverride } from '../db/client-settings.js';
import { ClientProfileNotAllowedError } from './client-settings-errors.js';
import { asUsageErrors } from './storage-errors.js';

export interface ClientSettingsCommandDeps {
  /** Open the database (migrated), run `fn`, close it. */
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  stdout: (text: string) => void;
  /**
   * Whether PROFILE may be CLIENT's default (the client exists and lists the profile). Return
   * an actionable message to refuse, or undefined to accept.
   */
  validateDefaultProfile: (clientId: string, profileId: string) => string | undefined | Promise<string | undefined>;
  /** The client's `default_profile` from clients.yaml, for messages. */
  configuredDefault?: (clientId: string) => string | undefined | Promise<string | undefined>;
}

export { ClientProfileNotAllowedError };

/**
 * `aiqc clients set-default CLIENT PROFILE` and `aiqc clients revert-default CLIENT`, added to
 * the existing `clients` command (created if the program has none yet).
 */
export function registerClientSettingsCommands(program: Command, deps: ClientSettingsCommandDeps): Command {
  const clients = program.commands.find((c) => c.name() === 'clients') ?? program.command('clients').description('client configuration');
  const describe = async (clientId: string, override: string | undefined): Promise<string> => {
    if (override) return override;
    const configured = await deps.configuredDefault?.(clientId);
    return configured ? `${configured} [configured default]` : 'the configured default';
  };

  clients
    .command('set-default')
    .description("override a client's default profile (stored in the database; used from the next job)")
    .argument('<client>', 'client id from clients.yaml')
    .argument('<profile>', "profile id from the client's profiles list")
    .action((clientId: string, profileId: string) =>
      asUsageErrors(async () => {
        const refusal = await deps.validateDefaultProfile(clientId, profileId);
        if (refusal) throw new ClientProfileNotAllowedError(refusal);
        const change = await deps.withDb((db) => setDefaultProfileOverride(db.kysely, clientId, profileId, Date.now(), 'cli'));
        deps.stdout(`${clientId}: default profile is now ${profileId} (was ${await describe(clientId, change.previous)}); used from the next job\n`);
      }),
    );

  clients
    .command('revert-default')
    .description("undo the last set-default for a client, restoring the value before it")
    .argument('<client>', 'client id from clients.yaml')
    .action((clientId: string) =>
      asUsageErrors(async () => {
        const change = await deps.withDb((db) => revertDefaultProfileOverride(db.kysely, clientId, Date.now(), 'cli'));
        deps.stdout(`${clientId}: default profile is now ${await describe(clientId, change.current)} (was ${change.previous}); used from the next job\n`);
      }),
    );

  return clients;
}
