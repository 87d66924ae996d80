/**
 * Not a test: wall time and peak RSS of `aiqc check` on hostile inputs (an empty file, a
 * truncated JPEG, text named .png, a 40000×40000 PNG bomb). Goal: each under 2 s and 300 MB.
 * Run: npm run bench:bad-input   (needs GNU time at /usr/bin/time)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePngBomb, makeTruncatedJpeg } from '../test/helpers/images.js';

const dir = await mkdtemp(join(tmpdir(), 'aiqc-bench-'));
try {
  execFileSync('/usr/bin/time', ['-f', '%e', 'true'], { stdio: 'ignore' });
} catch {
  console.error('needs GNU time at /usr/bin/time (apt-get install time)');
  process.exit(2);
}
const empty = join(dir, 'empty.jpg');
await writeFile(empty, '');
const text = join(dir, 'notes.png');
await writeFile(text, 'Hello team, the artwork is attached.\n');
const files = [empty, await makeTruncatedJpeg(dir), text, await makePngBomb(dir)];
console.log('file            verdict  wall_s  peak_rss_mb');
for (const file of files) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, 'dist/cli/main.js', 'check', file, '--json'], { encoding: 'utf8' });
  const [wall, rssKb] = r.stderr.trim().split('\n').at(-1)!.split(' ');
  const verdict = (JSON.parse(r.stdout) as { verdict: string }).verdict;
  console.log(`${file.split('/').at(-1)!.padEnd(16)}${verdict.padEnd(9)}${wall!.padEnd(8)}${(Number(rssKb) / 1024).toFixed(0)}`);
}
await rm(dir, { recursive: true, force: true });
