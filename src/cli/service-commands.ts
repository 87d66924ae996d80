/**
 * The commands that talk to Box, the database or the network (DESIGN §2): migrate, jobs,
 * clients set-default/revert-default, serve, worker, box, prune and backup. Loaded only when one of them
 * is called (see main.ts).
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BoxClient, boxSettingsFromEnv } from '../box/index.js';
import { readEnvironment } from '../config/environment.js';
import { migrateToLatest, openDatabase, withDatabase, type Db } from '../db/index.js';
import type { QcRuntime } from '../app/runtime.js';
import { webhookHealthLines } from '../ops/webhook-health.js';
import { registerBackupCommand } from './backup.js';
import { registerBoxCommands } from './box.js';
import type { CliIo } from './check.js';
import { registerClientSettingsCommands } from './client-settings.js';
import { registerJobsCommands } from './jobs.js';
import { registerMigrateCommand } from './migrate.js';
import { registerPruneCommand } from './prune.js';
import { registerSecretsCommands } from './secrets.js';
import { registerServeCommands } from './serve.js';
import { registerUsersCommands } from './users.js';

export interface ServiceCommandDeps {
  io: CliIo;
  getRuntime: () => Promise<QcRuntime>;
  setExitCode: (code: number) => void;
}

export function registerServiceCommands(program: Command, deps: ServiceCommandDeps): void {
  const { io, getRuntime } = deps;
  const dbConfig = () => readEnvironment(process.env, ['database']).database;
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

  registerUsersCommands(program, {
    withDb: withMigratedDb,
    stdout,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    knownClients: async () => (await getRuntime()).clients.clients.map((c) => c.id),
  });

  registerSecretsCommands(program, { withDb: withMigratedDb, stdout, env: process.env });
  registerServeCommands(program, { env: process.env });

  let box: BoxClient | undefined;
  const boxClient = () => (box ??= new BoxClient({ settings: boxSettingsFromEnv(process.env) }));
  registerPruneCommand(program, {
    withDb: withMigratedDb,
    box: boxClient,
    loadClients: async () => (await getRuntime()).clients,
    uploadsDir: resolve(join(process.env.AIQC_DATA_DIR?.trim() || './data', 'uploads')),
    out: (line) => void io.stdout.write(`${line}\n`),
    setExitCode: (code) => deps.setExitCode(code),
  });
  registerBackupCommand(program, { dbConfig, out: (line) => void io.stdout.write(`${line}\n`) });
  registerBoxCommands(program, {
    box: boxClient,
    loadClients: async () => (await getRuntime()).clients,
    env: process.env,
    out: (line) => void io.stdout.write(`${line}\n`),
    err: (line) => void io.stderr.write(`${line}\n`),
    setExitCode: (code) => (deps.setExitCode(code)),
    ffmpegPath: process.env.FFMPEG_PATH ?? 'ffmpeg',
    // Webhook health lives in the database; doctor shows it when one is reachable.
    webhookHealth: async () => {
      const db = await openDatabase(dbConfig());
      try {
        await migrateToLatest(db);
        return await webhookHealthLines(db.kysely);
      } finally {
        await db.close();
      }
    },
  });
}
