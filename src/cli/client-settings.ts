import type { Command } from 'commander';
import type { Db } from '../db/database.js';
import { revertDefaultProfileOverride, setDefaultProfileOverride } from '../db/client-settings.js';

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
  configuredDefault?: (clientId: string) => string | undefined;
}

/** PROFILE is not allowed for CLIENT (a usage/configuration error: exit 2). */
export class ClientProfileNotAllowedError extends Error {
  readonly code = 'client_profile_not_allowed';
  constructor(message: string) {
    super(message);
    this.name = 'ClientProfileNotAllowedError';
  }
}

/**
 * `aiqc clients set-default CLIENT PROFILE` and `aiqc clients revert-default CLIENT`, added to
 * the existing `clients` command (created if the program has none yet).
 */
export function registerClientSettingsCommands(program: Command, deps: ClientSettingsCommandDeps): Command {
  const clients = program.commands.find((c) => c.name() === 'clients') ?? program.command('clients').description('client configuration');
  const describe = (clientId: string, override: string | undefined): string => {
    if (override) return override;
    const configured = deps.configuredDefault?.(clientId);
    return configured ? `${configured} [configured default]` : 'the configured default';
  };

  clients
    .command('set-default')
    .description("override a client's default profile (stored in the database; used from the next job)")
    .argument('<client>', 'client id from clients.yaml')
    .argument('<profile>', "profile id from the client's profiles list")
    .action(async (clientId: string, profileId: string) => {
      const refusal = await deps.validateDefaultProfile(clientId, profileId);
      if (refusal) throw new ClientProfileNotAllowedError(refusal);
      const change = await deps.withDb((db) => setDefaultProfileOverride(db.kysely, clientId, profileId));
      deps.stdout(`${clientId}: default profile is now ${profileId} (was ${describe(clientId, change.previous)}); used from the next job\n`);
    });

  clients
    .command('revert-default')
    .description("undo the last set-default for a client, restoring the value before it")
    .argument('<client>', 'client id from clients.yaml')
    .action(async (clientId: string) => {
      const change = await deps.withDb((db) => revertDefaultProfileOverride(db.kysely, clientId));
      deps.stdout(`${clientId}: default profile is now ${describe(clientId, change.current)} (was ${change.previous}); used from the next job\n`);
    });

  return clients;
}
