#!/usr/bin/env node
// aiqc-box-emulator --port P [--state FILE] [--write-app-config FILE]
import { CommanderError } from 'commander';
import { runBoxEmulatorCli } from './cli.js';

try {
  const emulator = await runBoxEmulatorCli(process.argv.slice(2));
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  console.error(`aiqc-box-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
