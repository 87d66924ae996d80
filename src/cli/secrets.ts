// `aiqc secrets rotate` (DESIGN §10): re-encrypt every stored Box token under the first key of
// AIQC_SECRET_KEY. Rotation: put the new key first ("k2:…,k1:…"), run this, then drop k1.
import type { Command } from 'commander';
import { BoxConnectError } from '../boxconnect/errors.js';
import { parseSecretKeys } from '../boxconnect/keys.js';
import { reencryptAll } from '../boxconnect/store.js';
import type { Db } from '../db/database.js';
import { UsageError } from './errors.js';
import { asUsageErrors } from './storage-errors.js';

export interface SecretsCommandDeps {
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  stdout: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

export function registerSecretsCommands(program: Command, deps: SecretsCommandDeps): void {
  const secrets = program.command('secrets').description('keys that encrypt stored Box tokens (AIQC_SECRET_KEY)');
  secrets
    .command('rotate')
    .description('re-encrypt every stored Box token under the first key of AIQC_SECRET_KEY (older keys must still be listed after it)')
    .action(() =>
      asUsageErrors(async () => {
        let ring;
        try {
          ring = parseSecretKeys(deps.env['AIQC_SECRET_KEY']);
        } catch (error) {
          if (error instanceof BoxConnectError) throw new UsageError(`${error.message}\n  fix: ${error.fix ?? ''}`);
          throw error;
        }
        const outcome = await deps.withDb(async (db) => {
          try {
            return await reencryptAll(db.kysely, ring);
          } catch (error) {
            if (error instanceof BoxConnectError) throw new UsageError(`${error.message}\n  fix: ${error.fix ?? ''}`);
            throw error;
          }
        });
        const before = Object.entries(outcome.byKey).map(([kid, n]) => `${n} under "${kid}"`).join(', ') || 'none';
        deps.stdout(`Re-encrypted ${outcome.rewritten} of ${outcome.rows} Box connection(s) under key "${ring.current.id}" (before: ${before}).\n`);
        if (ring.keys.length > 1) deps.stdout(`Every row now uses "${ring.current.id}": you may remove ${ring.keys.slice(1).map((k) => `"${k.id}"`).join(', ')} from AIQC_SECRET_KEY.\n`);
      }),
    );
}
