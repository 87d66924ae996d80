/**
 * A/V bench (not a test): on generated 30 s 1080p25 H.264+AAC clips at ~5 and ~8 Mbit/s
 * (lighter streams decode faster, so the filters weigh more), wall and CPU time of
 *   1. aiqc's `video_general` profile (probe, the decode pass, stills/strip/thumbnail),
 *   2. the decode pass alone as aiqc runs it now: one picture run (-an) and one audio-only
 *      run (-vn) side by side, the picture decoded once,
 *   3. the decode pass as it was before issue 18: one ffmpeg for both streams, same graphs,
 *   4. a bare decode: `ffmpeg -i clip -f null -`.
 * Contenders run in turns (paired, interleaved); medians of AV_BENCH_REPEATS (default 5).
 * Goal (issue 18): (1) ≤ 1.3× wall of (4). CPU time is reported too: on a shared machine
 * wall time follows the load, CPU time much less so. AV_BENCH_ALL=1 adds issue 3's
 * contenders (one ffmpeg per analysis, as written and with -vn/-an).
 *
 * Run: npm run bench:av   (generates bench/.out/av-clip-1080p25-{5,8}M.mp4 once; needs
 * --experimental-transform-types because src/ uses parameter properties)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { passArgs, planPass, type AvPassRequest, type PassPlan } from '../src/analysis/av/pass.js';
import { builtinKindHandlers } from '../src/analysis/index.js';
import { builtinChecks } from '../src/checks/index.js';
import { ProfileSet } from '../src/config/profiles.js';
import { readEnvironment } from '../src/config/environment.js';
import { CheckCatalogue, KindRegistry } from '../src/qc/catalogue.js';
import { runQc } from '../src/qc/engine.js';

const run = promisify(execFile);
const OUT = join(dirname(fileURLToPath(import.meta.url)), '.out');
const BITRATES = (process.env.AV_BENCH_BITRATES ?? '5,8').split(',').map(Number);
const clipPath = (mbit: number) => join(OUT, `av-clip-1080p25-${mbit}M.mp4`);
const REPEATS = Number(process.env.AV_BENCH_REPEATS ?? 5);
const settings = readEnvironment(process.env, ['core']).core;
const FFMPEG = settings.ffmpegPath;

async function ensureClip(mbit: number): Promise<string> {
  const clip = clipPath(mbit);
  if (await stat(clip).then((s) => s.size > 0, () => false)) return clip;
  await mkdir(OUT, { recursive: true });
  console.error(`generating the 30 s 1080p25 ${mbit} Mbit/s clip (once)…`);
  // Moving test pattern with a 2 s black gap and pink noise with a 2 s silent gap: every
  // detector has something to find, as in a real ad.
  await run(FFMPEG, [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=25:d=30,drawbox=enable=between(t\\,10\\,12):color=black:t=fill',
    '-f', 'lavfi', '-i', 'anoisesrc=c=pink:r=48000:a=0.2:d=30,volume=enable=between(t\\,20\\,22):volume=0,aformat=channel_layouts=stereo',
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${mbit}M`, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-shortest', `${clip}.partial.mp4`,
  ]);
  // Renamed when complete, so a bench started meanwhile never reads half a clip.
  await rename(`${clip}.partial.mp4`, clip);
  return clip;
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
  const args = passArgs(plan, video, clip).filter((a, i, all) => a !== '-an' && !(a === '-filter_complex_threads' || all[i - 1] === '-filter_complex_threads'));
  const graph = args.indexOf('-filter_complex') + 1;
  args[graph] = plan.filtergraph;
  const maps = plan.runs.filter((r) => r.stream === 'audio').flatMap((r) => r.outputs.flatMap((o) => ['-map', `[${o}]`]));
  args.splice(graph + 1, 0, ...maps);
  return args;
}

async function benchClip(mbit: number): Promise<void> {
  const clip = await ensureClip(mbit);
  const catalogue = new CheckCatalogue(builtinChecks);
  const kinds = new KindRegistry(builtinKindHandlers);
  const profiles = await ProfileSet.load({ catalogue });
  const profile = profiles.get('video_general');
  const scratch = await mkdtemp(join(tmpdir(), 'aiqc-bench-av-'));
  const env = { maxPixels: settings.maxPixels, checkTimeoutMs: settings.checkTimeoutMs, ffmpegPath: FFMPEG, ffprobePath: settings.ffprobePath, tmpDir: scratch, extensions: {} };
  const plan = await planFor(clip, scratch);
  const raw = (args: string[]) => run(FFMPEG, ['-y', ...args], { maxBuffer: 64 * 1024 * 1024 });

  let lastVerdict = '';
  const contenders: Record<string, () => Promise<unknown>> = {
    aiqc: async () => {
      const report = await runQc({ path: clip, profile }, { catalogue, kinds, env, toolVersion: 'bench' });
      lastVerdict = `${report.verdict} (score ${report.score}); ${report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}`).join(', ')}`;
    },
    passNow: () => Promise.all(plan.runs.map((r) => raw(passArgs(plan, r, clip)))),
    passBefore: () => raw(onePassArgs(plan, clip)),
    bare: () => ff(['-i', clip, '-f', 'null', '-']),
  };
  if (process.env.AV_BENCH_ALL === '1') {
    contenders.naive = async () => {
      await ff(['-i', clip, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
      await ff(['-i', clip, '-af', 'silencedetect=n=-60dB:d=1', '-f', 'null', '-']);
      await ff(['-i', clip, '-vf', 'blackdetect=d=0.5', '-f', 'null', '-']);
      await ff(['-i', clip, '-vf', 'freezedetect=d=2', '-f', 'null', '-']);
    };
    contenders.tuned = async () => {
      await ff(['-i', clip, '-vn', '-af', 'ebur128=peak=true', '-f', 'null', '-']);
      await ff(['-i', clip, '-vn', '-af', 'silencedetect=n=-60dB:d=1', '-f', 'null', '-']);
      await ff(['-i', clip, '-an', '-vf', 'blackdetect=d=0.5', '-f', 'null', '-']);
      await ff(['-i', clip, '-an', '-vf', 'freezedetect=d=2', '-f', 'null', '-']);
    };
  }
  const r = await compare(contenders);
  await rm(scratch, { recursive: true, force: true });

  const row = (label: string, x: Sample, note = '') => console.log(`  ${label.padEnd(44)} ${x.wall.toFixed(2).padStart(6)} s wall ${x.cpu.toFixed(2).padStart(6)} s CPU   ${note}`);
  const ratio = (a: Sample, b: Sample) => `${(a.wall / b.wall).toFixed(2)}× wall, ${(a.cpu / b.cpu).toFixed(2)}× CPU`;
  const { size } = await stat(clip);
  console.log(`\n${mbit} Mbit/s clip (${((size * 8) / 30 / 1e6).toFixed(1)} Mbit/s measured, ${(size / 1e6).toFixed(1)} MB)`);
  row('aiqc video_general (whole run)', r.aiqc!, `${ratio(r.aiqc!, r.bare!)} of bare decode [goal ≤ 1.3× wall]`);
  row('decode pass now: -an run ‖ -vn run', r.passNow!, `${ratio(r.passNow!, r.bare!)} of bare decode`);
  row('decode pass before: one run, both streams', r.passBefore!, `${ratio(r.passBefore!, r.bare!)} of bare decode`);
  row('bare decode: ffmpeg -i clip -f null -', r.bare!);
  if (r.naive) row('one ffmpeg per analysis, as written', r.naive, `${ratio(r.naive, r.aiqc!)} of aiqc`);
  if (r.tuned) row('one ffmpeg per analysis, with -vn/-an', r.tuned, `${ratio(r.tuned, r.aiqc!)} of aiqc`);
  console.log(`  verdict: ${lastVerdict}`);
}

async function main(): Promise<void> {
  const { stdout: version } = await run(FFMPEG, ['-version']);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`A/V bench — 30 s 1080p25 H.264 + AAC stereo; ${version.split('\n')[0]}; ${availableParallelism()} CPUs; load average ${load} at start; median of ${REPEATS}, interleaved`);
  for (const mbit of BITRATES) await benchClip(mbit);
  console.log(`\nload average at end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

await main();
