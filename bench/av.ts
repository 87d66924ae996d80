/**
 * A/V bench (not a test): on generated 30 s 1080p25 H.264+AAC clips at ~5 and ~8 Mbit/s
 * (lighter streams decode faster, so the filters weigh more), wall and CPU time of
 *   bare   `ffmpeg -i clip -f null -`: the decode every figure is compared with,
 *   aiqc   a `video_general` run in this process (probe, the decode pass, stills, strip,
 *          thumbnail, report object; no Node start-up),
 *   before the same with another checkout's sources (AV_BENCH_BEFORE=/path/to/checkout, e.g.
 *          `git archive main | tar -x -C /tmp/main` with node_modules linked in),
 *   pass   the decode pass alone, as aiqc plans it (its ffmpeg runs side by side),
 *   cli    the whole `aiqc check --json` as installed (`dist/cli/bin.js`; Node start-up, module
 *          loading and the report too), when this checkout is built; AV_BENCH_CLI=path/to/bin.js
 *          for another; with AV_BENCH_BEFORE, that checkout's built bin.js as `cli before` too.
 * Contenders run in turns (bare, aiqc, before, …, then again), AV_BENCH_REPEATS times
 * (default 5), so load from anything else on the machine falls on all of them alike. Per
 * contender: median wall, median CPU (this process plus waited-for children), cores used,
 * and the median of the per-turn ratios to the bare decode in the same turn. Goal (issue
 * 18): aiqc ≤ 1.3× the bare decode's wall on both clips. On a shared machine wall time
 * follows the load; the CPU ratio much less so — report both, with the load average printed.
 * AV_BENCH_ALL=1 adds the pre-issue-18 pass (one ffmpeg for both streams) and issue 3's
 * contenders (one ffmpeg per analysis).
 *
 * Run: npm run bench:av   (generates bench/.out/av-clip-1080p25-{5,8}M.mp4 once; needs
 * --experimental-transform-types because src/ uses parameter properties)
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cpuSeconds, ensureClip } from './av-clip.js';
import { passArgs, planPass, type AvPassRequest, type PassPlan } from '../src/analysis/av/pass.js';
import type { builtinKindHandlers } from '../src/analysis/index.js';
import type { builtinChecks } from '../src/checks/index.js';
import type { ProfileSet } from '../src/config/profiles.js';
import { readEnvironment } from '../src/config/environment.js';
import type { CheckCatalogue, KindRegistry } from '../src/qc/catalogue.js';
import type { runQc } from '../src/qc/engine.js';

const run = promisify(execFile);
const BITRATES = (process.env.AV_BENCH_BITRATES ?? '5,8').split(',').map(Number);
const REPEATS = Number(process.env.AV_BENCH_REPEATS ?? 5);
const settings = readEnvironment(process.env, ['core']).core;
const FFMPEG = settings.ffmpegPath;

interface Sample {
  wall: number;
  cpu: number;
}

interface Summary extends Sample {
  /** Median over turns of (this contender's wall / the bare decode's wall in the same turn). */
  wallRatio: number;
  cpuRatio: number;
  /** The lowest and highest per-turn wall ratio: how much one turn can mislead. */
  wallRange: [number, number];
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Runs the contenders in turns (A B C, A B C, …) so that load from anything else on the
 * machine falls on all of them alike; `base` is the one every other is divided by, turn by turn.
 */
async function compare(contenders: Record<string, () => Promise<unknown>>, base: string): Promise<Record<string, Summary>> {
  const runs: Record<string, Sample[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let i = 0; i < REPEATS; i++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const c0 = cpuSeconds();
      const t0 = performance.now();
      await fn();
      runs[name]!.push({ wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 });
    }
  }
  const b = runs[base]!;
  return Object.fromEntries(
    Object.entries(runs).map(([k, xs]) => [
      k,
      {
        wall: median(xs.map((x) => x.wall)),
        cpu: median(xs.map((x) => x.cpu)),
        wallRatio: median(xs.map((x, i) => x.wall / b[i]!.wall)),
        cpuRatio: median(xs.map((x, i) => x.cpu / b[i]!.cpu)),
        wallRange: [Math.min(...xs.map((x, i) => x.wall / b[i]!.wall)), Math.max(...xs.map((x, i) => x.wall / b[i]!.wall))],
      },
    ]),
  );
}

const ff = (args: string[]) => run(FFMPEG, ['-hide_banner', '-nostdin', '-v', 'error', ...args], { maxBuffer: 64 * 1024 * 1024 });

/** The pass's graphs for `clip` as aiqc plans them for video_general's requests (plus silence). */
async function planFor(clip: string, dir: string): Promise<PassPlan> {
  const { stdout } = await run(settings.ffprobePath, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', clip]);
  const info = JSON.parse(stdout) as { format: { duration: string }; streams: Array<{ index: number; codec_type: string; width?: number; height?: number }> };
  const v = info.streams.find((x) => x.codec_type === 'video')!;
  const a = info.streams.find((x) => x.codec_type === 'audio')!;
  const details = {
    container: 'mov,mp4', duration_s: Number(info.format.duration), video_stream_count: 1, audio_stream_count: 1,
    video: { index: v.index, codec: 'h264', width: v.width!, height: v.height!, display_width: v.width!, display_height: v.height!, sample_aspect_ratio: 1, display_aspect_ratio: v.width! / v.height!, rotation: 0, frame_rate: 25, vfr: false },
    audio: { index: a.index, codec: 'aac', channels: 2, sample_rate: 48000 },
  };
  const requests: AvPassRequest[] = [{ measure: 'loudness' }, { measure: 'silence', threshold_db: -60, min_duration_s: 1 }, { measure: 'black', min_duration_s: 0.5 }, { measure: 'freeze', min_duration_s: 2 }, { measure: 'frames' }];
  return planPass(requests, details, dir)!;
}

/** The pre-issue-18 command: both graphs in one ffmpeg, which decodes both streams. */
function onePassArgs(plan: PassPlan, clip: string): string[] {
  const video = plan.runs.find((r) => r.stream === 'video')!;
  const audio = plan.runs.find((r) => r.stream === 'audio')!;
  const args = passArgs(video, clip).filter((x, i, all) => x !== '-an' && !(x === '-filter_complex_threads' || all[i - 1] === '-filter_complex_threads'));
  const graph = args.indexOf('-filter_complex') + 1;
  args[graph] = plan.filtergraph;
  args.splice(graph + 1, 0, ...audio.outputs.flatMap((o) => ['-map', `[${o}]`]));
  return args;
}

type RunQc = typeof runQc;

/** A `video_general` runner on the sources under `root` (this checkout's, or AV_BENCH_BEFORE's). */
async function qcRunner(root: string, env: Parameters<RunQc>[1]['env']): Promise<(clip: string) => Promise<string>> {
  const load = <T>(rel: string) => import(join(root, rel)) as Promise<T>;
  const [{ builtinKindHandlers: handlers }, { builtinChecks: checks }, { ProfileSet: Profiles }, { CheckCatalogue: Catalogue, KindRegistry: Kinds }, { runQc: qc }] = await Promise.all([
    load<{ builtinKindHandlers: typeof builtinKindHandlers }>('src/analysis/index.ts'),
    load<{ builtinChecks: typeof builtinChecks }>('src/checks/index.ts'),
    load<{ ProfileSet: typeof ProfileSet }>('src/config/profiles.ts'),
    load<{ CheckCatalogue: typeof CheckCatalogue; KindRegistry: typeof KindRegistry }>('src/qc/catalogue.ts'),
    load<{ runQc: RunQc }>('src/qc/engine.ts'),
  ]);
  const catalogue = new Catalogue(checks);
  const kinds = new Kinds(handlers);
  const profile = (await Profiles.load({ catalogue })).get('video_general');
  return async (clip) => {
    const report = await qc({ path: clip, profile }, { catalogue, kinds, env, toolVersion: 'bench' });
    return `${report.verdict} (score ${report.score}); ${report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}`).join(', ')}`;
  };
}

const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');

async function benchClip(mbit: number): Promise<void> {
  const clip = await ensureClip(FFMPEG, mbit);
  const scratch = await mkdtemp(join(tmpdir(), 'aiqc-bench-av-'));
  const env = { maxPixels: settings.maxPixels, checkTimeoutMs: settings.checkTimeoutMs, ffmpegPath: FFMPEG, ffprobePath: settings.ffprobePath, tmpDir: scratch, extensions: {} };
  const plan = await planFor(clip, scratch);
  const raw = (args: string[]) => run(FFMPEG, ['-y', ...args], { maxBuffer: 64 * 1024 * 1024 });
  const verdicts: Record<string, string> = {};
  const qcNow = await qcRunner(HERE, env);
  const before = process.env.AV_BENCH_BEFORE;
  const qcBefore = before ? await qcRunner(before, env) : undefined;
  const builtBin = (root: string) => [join(root, 'dist', 'cli', 'bin.js')].find((p) => existsSync(p));
  const cli = process.env.AV_BENCH_CLI ?? builtBin(HERE);
  const cliBefore = before ? builtBin(before) : undefined;
  const runCli = (bin: string) => () =>
    run(process.execPath, [bin, 'check', '--profile', 'video_general', '--json', clip], { maxBuffer: 64 * 1024 * 1024 }).catch((err: { code?: number }) => {
      if (err.code !== 1) throw err; // 1 is a failing verdict, which this clip has on purpose
    });

  const contenders: Record<string, () => Promise<unknown>> = {
    bare: () => ff(['-i', clip, '-f', 'null', '-']),
    aiqc: async () => (verdicts.aiqc = await qcNow(clip)),
    ...(qcBefore ? { before: async () => (verdicts.before = await qcBefore(clip)) } : {}),
    pass: () => Promise.all(plan.runs.map((r) => raw(passArgs(r, clip)))),
    ...(cli ? { cli: runCli(cli) } : {}),
    ...(cliBefore ? { cliBefore: runCli(cliBefore) } : {}),
  };
  if (process.env.AV_BENCH_ALL === '1') {
    contenders.onePass = () => raw(onePassArgs(plan, clip));
    contenders.naive = async () => {
      await ff(['-i', clip, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
      await ff(['-i', clip, '-af', 'silencedetect=n=-60dB:d=1', '-f', 'null', '-']);
      await ff(['-i', clip, '-vf', 'blackdetect=d=0.5', '-f', 'null', '-']);
      await ff(['-i', clip, '-vf', 'freezedetect=d=2', '-f', 'null', '-']);
    };
  }
  const load0 = loadAverage();
  const r = await compare(contenders, 'bare');
  await rm(scratch, { recursive: true, force: true });

  const label: Record<string, string> = {
    bare: 'bare decode: ffmpeg -i clip -f null -',
    aiqc: 'aiqc video_general (this checkout)',
    before: `aiqc video_general (${before ?? ''})`,
    pass: 'decode pass alone (-an run ‖ -vn run)',
    cli: 'aiqc check --json (CLI, Node start-up too)',
    cliBefore: `aiqc check --json (${before ?? ''})`,
    onePass: 'pass before issue 18: one run, both streams',
    naive: 'one ffmpeg per analysis (issue 3)',
  };
  const { size } = await stat(clip);
  console.log(`\n${mbit} Mbit/s clip (${((size * 8) / 30 / 1e6).toFixed(1)} Mbit/s measured, ${(size / 1e6).toFixed(1)} MB); load average ${load0} → ${loadAverage()}`);
  console.log(`  ${'contender'.padEnd(46)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'cores'.padStart(6)}   ÷ bare: wall   CPU   wall, per turn`);
  for (const [k, x] of Object.entries(r)) {
    const range = `${x.wallRange[0].toFixed(2)}–${x.wallRange[1].toFixed(2)}`;
    const ratios = k === 'bare' ? '' : `${x.wallRatio.toFixed(2).padStart(10)}× ${x.cpuRatio.toFixed(2).padStart(5)}×   ${range}${k === 'aiqc' || k === 'cli' ? '   [goal ≤ 1.3× wall]' : ''}`;
    console.log(`  ${(label[k] ?? k).padEnd(46)} ${x.wall.toFixed(2).padStart(7)} ${x.cpu.toFixed(2).padStart(7)} ${(x.cpu / x.wall).toFixed(2).padStart(6)}   ${ratios}`);
  }
  for (const [k, v] of Object.entries(verdicts)) console.log(`  verdict (${k}): ${v}`);
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const { stdout: version } = await run(FFMPEG, ['-version']);
  console.log(`A/V bench — 30 s 1080p25 H.264 + AAC stereo; ${version.split('\n')[0]}; ${availableParallelism()} CPUs; median of ${REPEATS} interleaved turns`);
  console.log('Ratios are medians of per-turn ratios, then the lowest–highest turn. On a loaded machine trust the CPU ratio more than the wall ratio.');
  for (const mbit of BITRATES) await benchClip(mbit);
}

await main();
