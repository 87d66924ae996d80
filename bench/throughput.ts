/**
 * Per-asset QC cost (not a test), for the scale section of ARCHITECTURE.md: wall and CPU
 * seconds of one QC run, in a warm process (as a worker runs them), for
 *   - an image: 4000×3000 photo-like JPEG (noise, so it compresses like a photo), static_general;
 *   - a PDF: A4 with bleed and two placed images, print_pdf_general;
 *   - a video: the 30 s 1080p25 H.264 5 Mbit/s + AAC clip of bench:av, video_general.
 * Median of THROUGHPUT_REPEATS (default 3), interleaved. Box transfer and the report upload
 * are not included (bench:box measures those against the emulator).
 *
 * Run: npm run bench:throughput   (needs the bench:av clip: run npm run bench:av once, or it
 * is generated here)
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { builtinKindHandlers } from '../src/analysis/index.js';
import { builtinChecks } from '../src/checks/index.js';
import { ProfileSet } from '../src/config/profiles.js';
import { readEnvironment } from '../src/config/environment.js';
import { CheckCatalogue, KindRegistry } from '../src/qc/catalogue.js';
import { runQc } from '../src/qc/engine.js';
import { cpuSeconds, ensureClip } from './av-clip.js';
import { imagesPdf } from '../test/analysis/pdf/fixtures.ts';

const REPEATS = Number(process.env.THROUGHPUT_REPEATS ?? 3);
const settings = readEnvironment(process.env, ['core']).core;

async function main(): Promise<void> {
  const CLIP = await ensureClip(settings.ffmpegPath, 5);
  const dir = await mkdtemp(join(tmpdir(), 'aiqc-bench-throughput-'));
  try {
    const image = join(dir, 'photo.jpg');
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 120, g: 110, b: 100 }, noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
      .jpeg({ quality: 90 })
      .toFile(image);
    const pdf = await imagesPdf(dir, 'flyer.pdf', [
      { kind: 'cmyk', px: [2480, 1750], mm: [210, 148], at: [0, 149] },
      { kind: 'rgb', px: [1200, 900], mm: [100, 75], at: [10, 10] },
    ]);
    const catalogue = new CheckCatalogue(builtinChecks);
    const kinds = new KindRegistry(builtinKindHandlers);
    const profiles = await ProfileSet.load({ catalogue });
    const env = { maxPixels: settings.maxPixels, checkTimeoutMs: settings.checkTimeoutMs, ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, tmpDir: dir, extensions: {} };
    const assets = [
      { label: 'image 4000×3000 JPEG, static_general', path: image, profile: profiles.get('static_general') },
      { label: 'PDF A4 + bleed, 2 images, print_pdf_general', path: pdf, profile: profiles.get('print_pdf_general') },
      { label: 'video 30 s 1080p25 5 Mbit/s, video_general', path: CLIP, profile: profiles.get('video_general') },
    ];
    const samples = assets.map(() => [] as Array<{ wall: number; cpu: number }>);
    // One warm-up each: a worker is a long-lived process.
    for (const a of assets) await runQc({ path: a.path, profile: a.profile }, { catalogue, kinds, env, toolVersion: 'bench' });
    for (let i = 0; i < REPEATS; i++) {
      for (const [k, a] of assets.entries()) {
        const c0 = cpuSeconds();
        const t0 = performance.now();
        await runQc({ path: a.path, profile: a.profile }, { catalogue, kinds, env, toolVersion: 'bench' });
        samples[k]!.push({ wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 });
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`QC cost per asset — ${availableParallelism()} CPUs; load average ${load}; median of ${REPEATS}, warm process`);
    console.log('| asset | wall (s) | CPU (s) | per worker-hour at concurrency 1 (wall) | per core-hour (CPU) |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const [k, a] of assets.entries()) {
      const wall = median(samples[k]!.map((s) => s.wall));
      const cpu = median(samples[k]!.map((s) => s.cpu));
      console.log(`| ${a.label} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${Math.round(3600 / wall)} | ${Math.round(3600 / cpu)} |`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
