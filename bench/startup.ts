/**
 * Not a test: how fast the CLI starts (issue 11). Median of RUNS (default 5) runs each of
 *   - `node -e ''` (Node itself),
 *   - `aiqc --help`                                   goal: under 0.25 s wall,
 *   - a plain script doing sharp metadata() + stats() on a 4000×3000 JPEG (the floor),
 *   - `aiqc check` on that JPEG                       goal: within 1.5× of the plain script,
 *                                                     peak RSS under 150 MB.
 * Wall time and peak RSS come from GNU time. Run: npm run bench:startup (builds dist first).
 * The cases run interleaved (one of each per round), so a burst of load on a shared machine hits
 * them alike; the check/plain ratio is also given as the median of each round's own ratio.
 * It times `dist/cli/bin.js`, the installed `aiqc` (it switches on Node's compile cache before
 * the runtime loads; main.js alone would not). AIQC_BENCH_CLI=path/to/dist/cli/bin.js measures
 * another build; AIQC_BENCH_BEFORE=path/to/bin.js adds that build's --help and check to the same
 * rounds, for a before/after under the same load.
 * The machine's load average is printed with the figures: on a busy machine they are noisy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const RUNS = Number(process.env['RUNS'] ?? 5);
const CLI = process.env['AIQC_BENCH_CLI'] ?? 'dist/cli/bin.js';
try {
  execFileSync('/usr/bin/time', ['-f', '%e', 'true'], { stdio: 'ignore' });
} catch {
  console.error('needs GNU time at /usr/bin/time (apt-get install time)');
  process.exit(2);
}

const dir = await mkdtemp(join(tmpdir(), 'aiqc-bench-startup-'));
try {
  const jpeg = join(dir, 'photo-4000x3000.jpg');
  // Noise compresses like a photograph (a flat colour would decode unrealistically fast).
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 85 })
    .toFile(jpeg);
  const plain = join(dir, 'plain-sharp.mjs');
  await writeFile(
    plain,
    `import sharp from ${JSON.stringify(import.meta.resolve('sharp'))};\n` +
      `const img = sharp(process.argv[2]);\nconst m = await img.metadata();\nconst s = await img.stats();\n` +
      `console.log(m.width, m.height, s.isOpaque);\n`,
  );

  const cases: { name: string; args: string[]; goal?: string }[] = [
    { name: 'node -e ""', args: ['-e', ''] },
    { name: 'aiqc --help', args: [CLI, '--help'], goal: 'wall < 0.25 s' },
    { name: 'plain sharp metadata+stats', args: [plain, jpeg] },
    { name: 'aiqc check 4000x3000.jpg', args: [CLI, 'check', jpeg, '--json'], goal: 'wall < 1.5× plain; RSS < 150 MB' },
  ];
  const BEFORE = process.env['AIQC_BENCH_BEFORE'];
  if (BEFORE) {
    cases.push({ name: 'BEFORE aiqc --help', args: [BEFORE, '--help'] }, { name: 'BEFORE aiqc check', args: [BEFORE, 'check', jpeg, '--json'] });
  }
  const before = loadavg();
  type Run = { wall: number; cpu: number; rss: number };
  const runs = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const c of cases) {
      const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...c.args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      // A run that failed to start (exit 2: usage, a missing module…) is fast and meaningless:
      // stop instead of timing it. 0 and 1 are verdicts (pass/warn, fail).
      if (r.status !== 0 && r.status !== 1) throw new Error(`${c.name} exited ${r.status}: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
      const [wall, user, sys, rssKb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
      runs.get(c.name)!.push({ wall: wall!, cpu: user! + sys!, rss: rssKb! / 1024 });
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`load average ${fmt(before)} before, ${fmt(loadavg())} after; median of ${RUNS} interleaved runs; ${CLI}`);
  console.log('case                          wall_s  user+sys_s  peak_rss_mb (max)  goal');
  for (const c of cases) {
    const rs = runs.get(c.name)!;
    const rss = `${median(rs.map((r) => r.rss)).toFixed(0)} (${Math.max(...rs.map((r) => r.rss)).toFixed(0)})`;
    console.log(`${c.name.padEnd(30)}${median(rs.map((r) => r.wall)).toFixed(2).padEnd(8)}${median(rs.map((r) => r.cpu)).toFixed(2).padEnd(12)}${rss.padEnd(19)}${c.goal ?? ''}`);
  }
  const check = runs.get('aiqc check 4000x3000.jpg')!;
  const plainRuns = runs.get('plain sharp metadata+stats')!;
  const ratio = median(check.map((r) => r.wall)) / median(plainRuns.map((r) => r.wall));
  const paired = median(check.map((r, i) => r.wall / plainRuns[i]!.wall));
  const pairedCpu = median(check.map((r, i) => r.cpu / plainRuns[i]!.cpu));
  console.log(`aiqc check / plain sharp: ${ratio.toFixed(2)}× (median of per-round ratios: wall ${paired.toFixed(2)}×, cpu ${pairedCpu.toFixed(2)}×)`);
  const beforeRuns = runs.get('BEFORE aiqc check');
  if (beforeRuns) {
    const wall = median(beforeRuns.map((r, i) => r.wall / plainRuns[i]!.wall));
    const cpu = median(beforeRuns.map((r, i) => r.cpu / plainRuns[i]!.cpu));
    console.log(`BEFORE check / plain sharp: ${(median(beforeRuns.map((r) => r.wall)) / median(plainRuns.map((r) => r.wall))).toFixed(2)}× (per-round: wall ${wall.toFixed(2)}×, cpu ${cpu.toFixed(2)}×)`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
