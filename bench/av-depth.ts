/**
 * Issue 17 bench (not a test): what the new A/V checks add to a video profile, on the same
 * generated 30 s 1080p25 H.264+AAC clip as bench/av.ts (bench/.out/av-clip-1080p25-5M.mp4,
 * made here if missing). Wall and CPU time, medians of AV_DEPTH_REPEATS (default 5), the
 * contenders in turns so load from elsewhere falls on all alike:
 *   1. aiqc `video_general` as shipped,
 *   2. the same profile plus video.flashing, video.letterbox, video.captions, audio.phase
 *      and audio.loudness_range (their analyses ride in the same two ffmpeg runs),
 *   3. the decode pass alone, with and without the new branches (flash grid, cropdetect,
 *      aphasemeter): the filters' own cost,
 *   4. a bare decode (`ffmpeg -i clip -f null -`), for scale.
 * It also counts the ffmpeg processes of run 2 (must be 2: one picture run, one sound run).
 *
 * Run: npm run bench:av-depth   (AV_DEPTH_MBIT=8 for the 8 Mbit/s clip)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpuSeconds, ensureClip } from './av-clip.js';
import { passArgs, planPass, type AvPassRequest } from '../src/analysis/av/pass.js';
import { builtinKindHandlers } from '../src/analysis/index.js';
import { builtinChecks } from '../src/checks/index.js';
import { ProfileSet } from '../src/config/profiles.js';
import { readEnvironment } from '../src/config/environment.js';
import { CheckCatalogue, KindRegistry } from '../src/qc/catalogue.js';
import { runQc } from '../src/qc/engine.js';
import type { QcEnvironment, ResolvedProfile } from '../src/qc/types.js';

const run = promisify(execFile);
const MBIT = Number(process.env.AV_DEPTH_MBIT ?? 5);
const REPEATS = Number(process.env.AV_DEPTH_REPEATS ?? 5);
const settings = readEnvironment(process.env, ['core']).core;
const FFMPEG = settings.ffmpegPath;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');


interface Sample {
  wall: number;
  cpu: number;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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

const NEW_CHECKS = [
  { id: 'video.flashing', params: {} },
  { id: 'video.letterbox', params: {} },
  { id: 'video.captions', params: { required: false } },
  { id: 'audio.phase', params: {} },
  { id: 'audio.loudness_range', params: {} },
];

async function main(): Promise<void> {
  const clip = await ensureClip(FFMPEG, MBIT);
  const catalogue = new CheckCatalogue(builtinChecks);
  const kinds = new KindRegistry(builtinKindHandlers);
  const base = (await ProfileSet.load({ catalogue })).get('video_general');
  const extended: ResolvedProfile = {
    ...base,
    checks: [...base.checks, ...NEW_CHECKS.map((c) => ({ id: c.id, severity: 'error' as const, params: catalogue.get(c.id)!.params.parse(c.params) }))],
  };
  const scratch = await mkdtemp(join(tmpdir(), 'aiqc-bench-av-depth-'));
  const env: QcEnvironment = { maxPixels: settings.maxPixels, checkTimeoutMs: settings.checkTimeoutMs, ffmpegPath: FFMPEG, ffprobePath: settings.ffprobePath, tmpDir: scratch, extensions: {} };
  const qc = async (profile: ResolvedProfile, e: QcEnvironment = env) => runQc({ path: clip, profile }, { catalogue, kinds, env: e, toolVersion: 'bench' });

  // The pass alone, as aiqc plans it for video_general's requests, with and without the new branches.
  const { stdout } = await run(settings.ffprobePath, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', clip]);
  const info = JSON.parse(stdout) as { format: { duration: string }; streams: Array<{ index: number; codec_type: string; width?: number; height?: number }> };
  const v = info.streams.find((x) => x.codec_type === 'video')!;
  const a = info.streams.find((x) => x.codec_type === 'audio')!;
  const details = {
    container: 'mov,mp4', duration_s: Number(info.format.duration), video_stream_count: 1, audio_stream_count: 1,
    video: { index: v.index, codec: 'h264', width: v.width!, height: v.height!, display_width: v.width!, display_height: v.height!, sample_aspect_ratio: 1, display_aspect_ratio: v.width! / v.height!, rotation: 0, frame_rate: 25, vfr: false },
    audio: { index: a.index, codec: 'aac', channels: 2, sample_rate: 48000 },
  };
  const today: AvPassRequest[] = [{ measure: 'loudness' }, { measure: 'silence', threshold_db: -60, min_duration_s: 1 }, { measure: 'black', min_duration_s: 0.5 }, { measure: 'freeze', min_duration_s: 2 }, { measure: 'frames' }];
  const withDepth: AvPassRequest[] = [...today, { measure: 'flashes' }, { measure: 'crop' }, { measure: 'phase' }];
  const pass = async (requests: AvPassRequest[]) => {
    const dir = await mkdtemp(join(scratch, 'pass-'));
    const plan = planPass(requests, details, dir)!;
    await Promise.all(plan.runs.map((r) => run(FFMPEG, ['-y', ...passArgs(r, clip)], { maxBuffer: 64 * 1024 * 1024 })));
    await rm(dir, { recursive: true, force: true });
  };

  // How many ffmpeg processes the extended profile starts (a wrapper logs each).
  const log = join(scratch, 'calls.log');
  const wrapper = join(scratch, 'ffmpeg');
  await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${FFMPEG} "$@"\n`);
  await chmod(wrapper, 0o755);
  const counted = await qc(extended, { ...env, ffmpegPath: wrapper });
  const calls = (await readFile(log, 'utf8')).trim().split('\n');

  console.log(`A/V depth bench — 30 s 1080p25 ${MBIT} Mbit/s H.264 + AAC stereo; ${availableParallelism()} CPUs; load average ${load()} at start; median of ${REPEATS}, interleaved`);
  const r = await compare({
    general: () => qc(base),
    extended: () => qc(extended),
    passToday: () => pass(today),
    passDepth: () => pass(withDepth),
    bare: () => run(FFMPEG, ['-hide_banner', '-nostdin', '-v', 'error', '-i', clip, '-f', 'null', '-']),
  });
  await rm(scratch, { recursive: true, force: true });
  const row = (label: string, x: Sample, note = '') => console.log(`  ${label.padEnd(52)} ${x.wall.toFixed(2).padStart(6)} s wall ${x.cpu.toFixed(2).padStart(6)} s CPU   ${note}`);
  const ratio = (x: Sample, y: Sample) => `${(x.wall / y.wall).toFixed(2)}× wall, ${(x.cpu / y.cpu).toFixed(2)}× CPU`;
  row('aiqc video_general', r.general!);
  row('aiqc video_general + the five issue 17 checks', r.extended!, `${ratio(r.extended!, r.general!)} of video_general`);
  row('decode pass, video_general requests', r.passToday!);
  row('decode pass + flash grid, cropdetect, aphasemeter', r.passDepth!, `${ratio(r.passDepth!, r.passToday!)} of the pass without them`);
  row('bare decode: ffmpeg -i clip -f null -', r.bare!);
  console.log(`  ffmpeg processes in the extended run: ${calls.length} (${calls.map((c) => (/ -an /.test(c) ? 'picture -an' : / -vn /.test(c) ? 'sound -vn' : 'other')).join(', ')})`);
  console.log(`  extended verdict: ${counted.verdict}; ${counted.checks.filter((c) => NEW_CHECKS.some((n) => n.id === c.id)).map((c) => `${c.id}=${c.status}`).join(', ')}`);
  console.log(`load average at end: ${load()}`);
}

await main();
