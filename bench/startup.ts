/**
 * Not a test: how fast the CLI starts (issue 11). Median of 5 runs each of
 *   - `node -e ''` (Node itself),
 *   - `aiqc --help`                                   goal: under 0.25 s wall,
 *   - a plain script doing sharp metadata() + stats() on a 4000×3000 JPEG (the floor),
 *   - `aiqc check` on that JPEG                       goal: within 1.5× of the plain script,
 *                                                     peak RSS under 150 MB.
 * Wall time and peak RSS come from GNU time. Run: npm run bench:startup (builds dist first).
 * The machine's load average is printed with the figures: on a busy machine they are noisy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const RUNS = 5;
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
    { name: 'aiqc --help', args: ['dist/cli/main.js', '--help'], goal: 'wall < 0.25 s' },
    { name: 'plain sharp metadata+stats', args: [plain, jpeg] },
    { name: 'aiqc check 4000x3000.jpg', args: ['dist/cli/main.js', 'check', jpeg, '--json'], goal: 'wall < 1.5× plain; RSS < 150 MB' },
  ];
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${RUNS} runs`);
  console.log('case                          wall_s  user+sys_s  peak_rss_mb  goal');
  const medians = new Map<string, number>();
  for (const c of cases) {
    const runs: { wall: number; cpu: number; rss: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...c.args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const [wall, user, sys, rssKb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
      runs.push({ wall: wall!, cpu: user! + sys!, rss: rssKb! / 1024 });
    }
    const med = (pick: (r: (typeof runs)[number]) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
    medians.set(c.name, med((r) => r.wall));
    console.log(`${c.name.padEnd(30)}${med((r) => r.wall).toFixed(2).padEnd(8)}${med((r) => r.cpu).toFixed(2).padEnd(12)}${med((r) => r.rss).toFixed(0).padEnd(13)}${c.goal ?? ''}`);
  }
  const ratio = medians.get('aiqc check 4000x3000.jpg')! / medians.get('plain sharp metadata+stats')!;
  console.log(`aiqc check / plain sharp: ${ratio.toFixed(2)}×`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
