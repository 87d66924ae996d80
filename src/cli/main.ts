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
import type { QcRuntime } from '../app/runtime.js';
import { registerCheckCommand, type CliIo } from './check.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { registerProfileCommands } from './profiles.js';
import { registerSamplesCommand } from './samples.js';
import { TOOL_VERSION } from './version.js';

/** Commands that only read local files; everything else may need Box, the database or HTTP. */
const LOCAL_COMMANDS = new Set(['check', 'profiles', 'samples']);

/**
 * The service commands' names and one-line descriptions as `aiqc --help` lists them; the real
 * commands (service-commands.ts) load only when one is called. test/cli/help.test.ts keeps
 * this list in step with them.
 */
export const SERVICE_COMMAND_SUMMARIES: readonly (readonly [name: string, description: string])[] = [
  ['migrate', 'create or upgrade the database schema (SQLite under AIQC_DATA_DIR, or DATABASE_URL)'],
  ['jobs', 'inspect and retry background jobs (Box webhook QC runs)'],
  ['users', 'web console accounts (admins see every client; members only theirs)'],
  ['tokens', 'API tokens for scripts (Authorization: Bearer TOKEN)'],
  ['secrets', 'keys that encrypt stored Box tokens (AIQC_SECRET_KEY)'],
  ['serve', 'run the Box webhook server, the job worker and the sweeper (PORT, HOST, BOX_*; see README)'],
  ['worker', 'run only the job worker (scale out: several on one PostgreSQL DATABASE_URL)'],
  ['prune', "delete what is older than a retention period: reports in REPORTS go to Box's trash, local QC runs, delivery records and uploads are deleted"],
  ['backup', 'copy the SQLite database to FILE while aiqc keeps running (PostgreSQL: use pg_dump)'],
  ['box', 'Box admin: folders, webhooks and the onboarding doctor'],
];

export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = 0;
  let runtime: Promise<QcRuntime> | undefined;
  // The runtime (every check's zod schema, sharp, the profiles) loads on first use, so
  // `aiqc --help` and usage errors start in Node's own time (bench/startup.ts).
  const getRuntime = () => (runtime ??= import('../app/runtime.js').then((m) => m.createQcRuntimeFromEnv(process.env)));

  const program = new Command('aiqc')
    .description('Automated quality control for creative marketing assets')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  registerCheckCommand(program, getRuntime, io, (code) => (exitCode = code));
  registerProfileCommands(program, getRuntime, io);
  registerSamplesCommand(program, io);

  // The Box SDK, Kysely, pg and Fastify take about half a second and 100 MB to load: only
  // the commands that talk to Box, the database or the network pay for them. Top-level help
  // (no command word) lists them from SERVICE_COMMAND_SUMMARIES instead of loading them.
  const commandWord = argv.find((a) => !a.startsWith('-'));
  if (commandWord === undefined) {
    for (const [name, description] of SERVICE_COMMAND_SUMMARIES) {
      if (!program.commands.some((c) => c.name() === name)) program.command(name).description(description);
    }
  } else if (!LOCAL_COMMANDS.has(commandWord)) {
    const { registerServiceCommands } = await import('./service-commands.js');
    registerServiceCommands(program, { io, getRuntime, setExitCode: (code) => (exitCode = code) });
  }

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
