/**
 * A/V bench (not a test): on a generated 30 s 1080p25 H.264+AAC clip, wall time of
 *   1. aiqc's `video_general` profile (probe, the one decode pass, stills/strip/thumbnail),
 *   2. a bare decode: `ffmpeg -i clip -f null -`,
 *   3. one ffmpeg per analysis (ebur128, silencedetect, blackdetect, freezedetect), both as
 *      usually written (each run decodes every stream) and tuned (-vn/-an per run).
 * Goal (issue 3): (1) ≤ 1.5× (2), and (3) ≥ 4× slower than (1).
 *
 * Run: npm run bench:av   (generates bench/.out/av-clip-1080p25.mp4 once; needs
 * --experimental-transform-types because src/ uses parameter properties)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { builtinKindHandlers } from '../src/analysis/index.js';
import { builtinChecks } from '../src/checks/index.js';
import { ProfileSet } from '../src/config/profiles.js';
import { readEnvironment } from '../src/config/environment.js';
import { CheckCatalogue, KindRegistry } from '../src/qc/catalogue.js';
import { runQc } from '../src/qc/engine.js';

const run = promisify(execFile);
const OUT = join(dirname(fileURLToPath(import.meta.url)), '.out');
const CLIP = join(OUT, 'av-clip-1080p25.mp4');
const REPEATS = Number(process.env.AV_BENCH_REPEATS ?? 5);
const settings = readEnvironment(process.env, ['core']).core;
const FFMPEG = settings.ffmpegPath;

async function ensureClip(): Promise<void> {
  if (await stat(CLIP).then((s) => s.size > 0, () => false)) return;
  await mkdir(OUT, { recursive: true });
  console.error('generating the 30 s 1080p25 clip (once)…');
  // Moving test pattern with a 2 s black gap and pink noise with a 2 s silent gap: every
  // detector has something to find, as in a real ad.
  await run(FFMPEG, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=25:d=30,drawbox=enable=between(t\\,10\\,12):color=black:t=fill',
    '-f', 'lavfi', '-i', 'anoisesrc=c=pink:r=48000:a=0.2:d=30,volume=enable=between(t\\,20\\,22):volume=0,aformat=channel_layouts=stereo',
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '8M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-shortest', CLIP,
  ]);
}

/** CPU seconds of this process plus every child it has waited for (Linux /proc; the bench's only platform need). */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: state is field 3, so cutime/cstime (16, 17) sit at indexes 13 and 14.
  const children = (Number(fields[13]) + Number(fields[14])) / 100;
  return (own.user + own.system) / 1e6 + children;
}

interface Sample {
  wall: number;
  cpu: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Runs the contenders in turns (A B C D, A B C D, …) so that load from anything else on the
 * machine falls on all of them alike; reports the median wall and CPU time of each.
 */
async function compare(contenders: Record<string, () => Promise<unknown>>): Promise<Record<string, Sample>> {
  const runs: Record<string, Sample[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let i = 0; i < REPEATS; i++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const c0 = cpuSeconds();
      const t0 = performance.now();
      await fn();
      runs[name]!.push({ wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 });
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) }]));
}

const ff = (args: string[]) => run(FFMPEG, ['-hide_banner', '-nostdin', '-v', 'error', ...args], { maxBuffer: 64 * 1024 * 1024 });

async function main(): Promise<void> {
  await ensureClip();
  const catalogue = new CheckCatalogue(builtinChecks);
  const kinds = new KindRegistry(builtinKindHandlers);
  const profiles = await ProfileSet.load({ catalogue });
  const profile = profiles.get('video_general');
  const env = { maxPixels: settings.maxPixels, checkTimeoutMs: settings.checkTimeoutMs, ffmpegPath: FFMPEG, ffprobePath: settings.ffprobePath, tmpDir: tmpdir(), extensions: {} };

  let lastVerdict = '';
  const r = await compare({
    aiqc: async () => {
      const report = await runQc({ path: CLIP, profile }, { catalogue, kinds, env, toolVersion: 'bench' });
      lastVerdict = `${report.verdict} (score ${report.score}); ${report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}`).join(', ')}`;
    },
    bare: () => ff(['-i', CLIP, '-f', 'null', '-']),
    naive: async () => {
      await ff(['-i', CLIP, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
      await ff(['-i', CLIP, '-af', 'silencedetect=n=-60dB:d=1', '-f', 'null', '-']);
      await ff(['-i', CLIP, '-vf', 'blackdetect=d=0.5', '-f', 'null', '-']);
      await ff(['-i', CLIP, '-vf', 'freezedetect=d=2', '-f', 'null', '-']);
    },
    tuned: async () => {
      await ff(['-i', CLIP, '-vn', '-af', 'ebur128=peak=true', '-f', 'null', '-']);
      await ff(['-i', CLIP, '-vn', '-af', 'silencedetect=n=-60dB:d=1', '-f', 'null', '-']);
      await ff(['-i', CLIP, '-an', '-vf', 'blackdetect=d=0.5', '-f', 'null', '-']);
      await ff(['-i', CLIP, '-an', '-vf', 'freezedetect=d=2', '-f', 'null', '-']);
    },
  });

  const row = (label: string, x: Sample, note = '') => console.log(`  ${label.padEnd(40)} ${x.wall.toFixed(2).padStart(6)} s wall ${x.cpu.toFixed(2).padStart(6)} s CPU   ${note}`);
  const ratio = (a: Sample, b: Sample) => `${(a.wall / b.wall).toFixed(2)}× wall, ${(a.cpu / b.cpu).toFixed(2)}× CPU`;
  const { stdout: version } = await run(FFMPEG, ['-version']);
  console.log(`A/V bench — 30 s 1080p25 H.264 8 Mb/s + AAC stereo; ${version.split('\n')[0]}; ${availableParallelism()} CPUs; median of ${REPEATS}, interleaved`);
  row('aiqc video_general (whole run)', r.aiqc!, `${ratio(r.aiqc!, r.bare!)} of bare decode [goal ≤ 1.5×]`);
  row('bare decode: ffmpeg -i clip -f null -', r.bare!);
  row('one ffmpeg per analysis, as written', r.naive!, `${ratio(r.naive!, r.aiqc!)} of aiqc [goal ≥ 4×]`);
  row('one ffmpeg per analysis, with -vn/-an', r.tuned!, `${ratio(r.tuned!, r.aiqc!)} of aiqc`);
  console.log(`  verdict: ${lastVerdict}`);
}

await main();
