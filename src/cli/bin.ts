#!/usr/bin/env node
/**
 * The installed `aiqc` executable. `aiqc --version` answers from package.json before anything
 * else loads (the QC runtime's imports cost a few hundred milliseconds and ~200 MB, which a
 * health probe or a deploy script asking for the version should not pay); every other call
 * goes to main.ts.
 */
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  process.stdout.write(`${version}\n`);
} else {
  const { runCli } = await import('./main.js');
  process.exitCode = await runCli(args);
}
