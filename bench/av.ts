/**
 * A/V bench (not a test): on a generated 30 s 1080p25 H.264+AAC clip, wall time of
 *   1. aiqc's `video_general` profile (probe, the one decode pass, stills/strip/thumbnail),
 *   2. a bare decode: `ffmpeg -i clip -f null -`,
 *   3. one ffmpeg per analysis (ebur128, silencedetect, blackdetect, freezedetect), both as
 *      usually written (each run decodes every stream) and tuned (-vn/-an per run).
 * Goal (issue 3): (1) ≤ 1.5× (2), and (3) ≥ 4× slower than (1).
 *
 * Run: npm run bench:av   (generates bench/.out/av-clip-1080p25.mp4 once)
 */
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { builtinKindHandlers } from '../src/analysis/index.js';
import { builtinChecks } from '../src/checks/index.js';
import { ProfileSet } from '../src/config/profiles.js';
import { settingsFromEnv } from '../src/config/settings.js';
import { CheckCatalogue, KindRegistry } from '../src/qc/catalogue.js';
import { runQc } from '../src/qc/engine.js';

const run = promisify(execFile);
const OUT = join(dirname(fileURLToPath(import.meta.url)), '.out');
const CLIP = join(OUT, 'av-clip-1080p25.mp4');
const REPEATS = Number(process.env.AV_BENCH_REPEATS ?? 3);
const settings = settingsFromEnv();
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

async function time(fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!; // median
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
  const aiqc = await time(async () => {
    const report = await runQc({ path: CLIP, profile }, { catalogue, kinds, env, toolVersion: 'bench' });
    lastVerdict = `${report.verdict} (score ${report.score}); ${report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}`).join(', ')}`;
  });
  const bare = await time(() => ff(['-i', CLIP, '-f', 'null', '-']));
  const perAnalysisNaive = await time(async () => {
    await ff(['-i', CLIP, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
    await ff(['-i', CLIP, '-af', 'silencedetect=n=-60dB:d=1', '-f', 'null', '-']);
    await ff(['-i', CLIP, '-vf', 'blackdetect=d=0.5', '-f', 'null', '-']);
    await ff(['-i', CLIP, '-vf', 'freezedetect=d=2', '-f', 'null', '-']);
  });
  const perAnalysisTuned = await time(async () => {
    await ff(['-i', CLIP, '-vn', '-af', 'ebur128=peak=true', '-f', 'null', '-']);
    await ff(['-i', CLIP, '-vn', '-af', 'silencedetect=n=-60dB:d=1', '-f', 'null', '-']);
    await ff(['-i', CLIP, '-an', '-vf', 'blackdetect=d=0.5', '-f', 'null', '-']);
    await ff(['-i', CLIP, '-an', '-vf', 'freezedetect=d=2', '-f', 'null', '-']);
  });

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const { stdout: version } = await run(FFMPEG, ['-version']);
  console.log(`A/V bench — 30 s 1080p25 H.264 8 Mb/s + AAC stereo; ${version.split('\n')[0]}; ${availableParallelism()} CPUs; median of ${REPEATS}`);
  console.log(`  aiqc video_general (whole run)        ${s(aiqc)}   ${(aiqc / bare).toFixed(2)}× bare decode   [goal ≤ 1.5×]`);
  console.log(`  bare decode  ffmpeg -i clip -f null - ${s(bare)}`);
  console.log(`  one ffmpeg per analysis, as written   ${s(perAnalysisNaive)}   ${(perAnalysisNaive / aiqc).toFixed(2)}× aiqc   [goal ≥ 4×]`);
  console.log(`  one ffmpeg per analysis, -vn/-an      ${s(perAnalysisTuned)}   ${(perAnalysisTuned / aiqc).toFixed(2)}× aiqc`);
  console.log(`  verdict: ${lastVerdict}`);
}

await main();
