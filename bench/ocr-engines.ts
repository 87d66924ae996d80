/**
 * Not a test: OCR time per 1920×1080 image for the options issue 7 weighed — the system
 * `tesseract` CLI (with OpenMP's default 2 threads, and limited to 1) and tesseract.js (WASM,
 * language data `@tesseract.js-data/eng` from node_modules, both its model folders) — and the
 * path aiqc ships (sharp preprocessing + tesseract.js best_int). Images are generated with sharp.
 * Run: npm run build && npm run bench:ocr   (the CLI rows need tesseract-ocr; without it they are left out)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { createWorker } from 'tesseract.js';
import type * as OcrModule from '../src/analysis/text/ocr.ts';

// The shipped code, built: the src/ modules use .js specifiers node cannot strip-load.
const builtOcr: string = '../dist/analysis/text/ocr.js';
const { withOcrWorker } = (await import(builtOcr)) as typeof OcrModule;

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const LINES: Array<[string, number]> = [
  ['Summer Sale — 30% off every cocktail glass', 64],
  ['Please drink responsibly. 18+ only. Visit www.example.com', 40],
  ['Our new recipe is better then ever and definately tastier', 40],
  ['Terms apply. Offer ends 31/12/2026. See in-store for details.', 28],
];
const IMAGES = 3;

const dir = await mkdtemp(join(tmpdir(), 'aiqc-ocr-bench-'));
const files: string[] = [];
for (let i = 0; i < IMAGES; i++) {
  const text = LINES.map(([t, size], k) => `<text x="80" y="${200 + k * 180 + i * 20}" font-family="DejaVu Sans" font-size="${size}" fill="#1b1b1b">${t}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"><rect width="100%" height="100%" fill="#f4efe6"/>${text}</svg>`;
  const file = join(dir, `poster-${i}.png`);
  await writeFile(file, await sharp(Buffer.from(svg)).png().toBuffer());
  files.push(file);
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function row(name: string, times: number[], words: number, extra = '') {
  console.log(`${name.padEnd(44)} mean ${secs(mean(times))} per image (${times.map(secs).join(', ')}), ${words} words${extra}`);
}

async function cli(threads: string | undefined) {
  const times: number[] = [];
  let words = 0;
  for (const f of files) {
    const t0 = performance.now();
    const { stdout } = await run('tesseract', [f, 'stdout', '-l', 'eng', '--psm', '3', 'tsv'], { env: { ...process.env, ...(threads ? { OMP_THREAD_LIMIT: threads } : {}) } });
    times.push(performance.now() - t0);
    words = stdout.split('\n').slice(1).map((l) => l.split('\t')).filter((c) => c.length === 12 && c[11]!.trim() && Number(c[10]) >= 0).length;
  }
  return { times, words };
}

async function wasm(folder: string) {
  const t0 = performance.now();
  const worker = await createWorker('eng', 1, { langPath: join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), folder), gzip: true, cacheMethod: 'none' });
  const start = performance.now() - t0;
  const times: number[] = [];
  let words = 0;
  for (const f of files) {
    const t1 = performance.now();
    const r = await worker.recognize(f, {}, { blocks: true });
    times.push(performance.now() - t1);
    words = (r.data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words))).length;
  }
  await worker.terminate();
  return { times, words, start };
}

try {
  // The system CLI is only a comparison row: without it the bench says so and goes on.
  const version = await run('tesseract', ['--version']).then(
    (r) => r.stdout.split('\n')[0],
    () => undefined,
  );
  if (version) {
    await cli('1'); // warm the page cache: the first read of traineddata is a disk read
    const c2 = await cli(undefined);
    row(`${version} CLI (OpenMP default)`, c2.times, c2.words);
    const c1 = await cli('1');
    row(`${version} CLI (OMP_THREAD_LIMIT=1)`, c1.times, c1.words);
  } else {
    console.log('tesseract CLI rows left out: no `tesseract` on PATH (apt-get install tesseract-ocr to compare)');
  }
  for (const folder of ['4.0.0', '4.0.0_best_int']) {
    const w = await wasm(folder);
    row(`tesseract.js 7, eng ${folder}`, w.times, w.words, `; worker start ${secs(w.start)}`);
  }
  const times: number[] = [];
  let words = 0;
  const t0 = performance.now();
  await withOcrWorker(['eng'], dir, new AbortController().signal, async (read) => {
    for (const f of files) {
      const t1 = performance.now();
      words = (await read(f)).words.length;
      times.push(performance.now() - t1);
    }
  });
  row('aiqc path (sharp prep + tesseract.js best_int)', times, words, `; with worker start ${secs(performance.now() - t0)} for ${IMAGES}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
