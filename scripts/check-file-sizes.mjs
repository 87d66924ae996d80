#!/usr/bin/env node
// No file in src/ over ~450 lines (the project's rule): a long file is usually two reasons to
// change in one place. Run by `npm test` (`npm run size:check`). Files already being split are
// listed with who splits them; an entry that has come under the limit must be removed.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const LIMIT = 450;
const ROOT = new URL('../', import.meta.url).pathname;
const BEING_SPLIT = new Map([
]);

async function* tsFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

const over = [];
const stale = [];
for await (const path of tsFiles(join(ROOT, 'src'))) {
  const name = relative(ROOT, path);
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > LIMIT && !BEING_SPLIT.has(name)) over.push(`${name}: ${lines} lines`);
  if (lines <= LIMIT && BEING_SPLIT.has(name)) stale.push(name);
}
for (const [name, why] of BEING_SPLIT) if (!stale.includes(name)) console.log(`size:check: ${name} is over ${LIMIT} lines, allowed for now (${why})`);
if (stale.length > 0) {
  console.error(`size:check: ${stale.join(', ')} now fit(s) in ${LIMIT} lines: remove from BEING_SPLIT in scripts/check-file-sizes.mjs`);
  process.exitCode = 1;
}
if (over.length > 0) {
  console.error(`size:check: files in src/ over ${LIMIT} lines (split them by reason to change):\n  ${over.join('\n  ')}`);
  process.exitCode = 1;
}
