#!/usr/bin/env node
/**
 * The `aiqc` command. Parses arguments, builds the runtime once (config validated at
 * start-up) and maps outcomes to DESIGN §2's exit codes: 0 pass/warn, 1 fail/error
 * verdict, 2 usage or configuration error (message on stderr names the fix).
 */
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { createQcRuntimeFromEnv, TOOL_VERSION, type QcRuntime } from '../qc/runtime.js';
import { registerCheckCommand, type CliIo } from './check.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { registerProfileCommands } from './profiles.js';
import { registerSamplesCommand } from './samples.js';
import { databaseConfigFromEnv, migrateToLatest, withDatabase, type Db } from '../db/index.js';
import { registerClientSettingsCommands } from './client-settings.js';
import { registerJobsCommands } from './jobs.js';
import { registerMigrateCommand } from './migrate.js';
import { BoxClient, boxSettingsFromEnv } from '../box/index.js';
import { listFolderHealth, openDatabase } from '../db/index.js';
import { registerBoxCommands } from './box.js';
import { registerServeCommands } from './serve.js';

export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = 0;
  let runtime: Promise<QcRuntime> | undefined;
  const getRuntime = () => (runtime ??= createQcRuntimeFromEnv(process.env));

  const program = new Command('aiqc')
    .description('Automated quality control for creative marketing assets')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  registerCheckCommand(program, getRuntime, io, (code) => (exitCode = code));
  registerProfileCommands(program, getRuntime, io);
  registerSamplesCommand(program, io);

  const dbConfig = () => databaseConfigFromEnv(process.env);
  const withMigratedDb = <T>(fn: (db: Db) => Promise<T>) =>
    withDatabase(dbConfig(), async (db) => {
      await migrateToLatest(db);
      return fn(db);
    });
  const stdout = (text: string) => void io.stdout.write(text);
  registerMigrateCommand(program, { withDb: (fn) => withDatabase(dbConfig(), fn), stdout });
  registerJobsCommands(program, { withDb: withMigratedDb, stdout });
  registerClientSettingsCommands(program, {
    withDb: withMigratedDb,
    stdout,
    validateDefaultProfile: async (clientId, profileId) => {
      const client = (await getRuntime()).clients.get(clientId);
      if (!client) return `unknown client "${clientId}": see \`aiqc clients list\``;
      return client.profiles.includes(profileId)
        ? undefined
        : `profile "${profileId}" is not in client "${clientId}"'s profiles (${client.profiles.join(', ')}): add it in clients.yaml first`;
    },
    configuredDefault: async (clientId) => (await getRuntime()).clients.get(clientId)?.default_profile,
  });

  registerServeCommands(program, { env: process.env });

  let box: BoxClient | undefined;
  registerBoxCommands(program, {
    box: () => (box ??= new BoxClient({ settings: boxSettingsFromEnv(process.env) })),
    loadClients: async () => (await getRuntime()).clients,
    env: process.env,
    out: (line) => void io.stdout.write(`${line}\n`),
    err: (line) => void io.stderr.write(`${line}\n`),
    setExitCode: (code) => (exitCode = code),
    ffmpegPath: process.env.FFMPEG_PATH ?? 'ffmpeg',
    // Webhook health lives in the database; doctor shows it when one is reachable.
    webhookHealth: async () => {
      const db = await openDatabase(dbConfig());
      try {
        await migrateToLatest(db);
        return (await listFolderHealth(db.kysely)).map((h) => ({
          folderId: h.folderId,
          missedCount: h.missedCount,
          ...(h.lastDeliveryAt !== null ? { lastDeliveryAt: new Date(h.lastDeliveryAt).toISOString() } : {}),
          ...(h.webhookDeletedAt !== null ? { webhookDeletedAt: new Date(h.webhookDeletedAt).toISOString() } : {}),
        }));
      } finally {
        await db.close();
      }
    },
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : EXIT_USAGE;
    }
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr.write(`aiqc: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`aiqc: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_USAGE;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = EXIT_USAGE;
    },
  );
}
