// OCR engine comparison on generated 1920x1080 text images (issue 7): the system `tesseract`
// CLI vs tesseract.js (WASM) with language data from the npm registry, both offline.
// tesseract.js is not a dependency of aiqc (the CLI won); to re-run:
//   npm install --no-save tesseract.js @tesseract.js-data/eng && node bench/ocr-engines.mjs
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const lines = [
  ['Summer Sale — 30% off every cocktail glass', 64],
  ['Please drink responsibly. 18+ only. Visit www.example.com', 40],
  ['Our new recipe is better then ever and definately tastier', 40],
  ['Terms apply. Offer ends 31/12/2026. See in-store for details.', 28],
];
const N = 3;

function svg(variant) {
  const t = lines.map(([text, size], i) => `<text x="80" y="${200 + i * 180 + variant * 20}" font-family="DejaVu Sans" font-size="${size}" fill="#1b1b1b">${text}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"><rect width="100%" height="100%" fill="#f4efe6"/>${t}</svg>`;
}

const dir = await mkdtemp(join(tmpdir(), 'ocr-bench-'));
const files = [];
for (let i = 0; i < N; i++) {
  const f = join(dir, `img${i}.png`);
  await writeFile(f, await sharp(Buffer.from(svg(i))).png().toBuffer());
  files.push(f);
}

function words(tsv) {
  return tsv.split('\n').slice(1).map((l) => l.split('\t')).filter((c) => c.length === 12 && c[11].trim() && Number(c[10]) >= 0).length;
}

async function cli(psm) {
  const times = [];
  let count = 0;
  for (const f of files) {
    const t0 = performance.now();
    const { stdout } = await run('tesseract', [f, 'stdout', '-l', 'eng', '--psm', String(psm), 'tsv']);
    times.push(performance.now() - t0);
    count = words(stdout);
  }
  return { times, count };
}

async function wasm(psm) {
  const { createWorker } = require('tesseract.js');
  const eng = require('@tesseract.js-data/eng');
  const t0 = performance.now();
  const worker = await createWorker('eng', 1, { langPath: eng.langPath, gzip: true, cacheMethod: 'none' });
  await worker.setParameters({ tessedit_pageseg_mode: String(psm) });
  const init = performance.now() - t0;
  const times = [];
  let count = 0;
  for (const f of files) {
    const t1 = performance.now();
    const r = await worker.recognize(f, {}, { blocks: true });
    times.push(performance.now() - t1);
    count = r.data.blocks.flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words))).length;
  }
  await worker.terminate();
  return { init, times, count };
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const version = (await run('tesseract', ['--version'])).stdout.split('\n')[0];
await cli(3); // warm the page cache so the first timed run is not a disk read
for (const psm of [3, 11]) {
  const c = await cli(psm);
  console.log(`${version} CLI, psm ${psm}: per 1080p image ${c.times.map(fmt).join(', ')} (mean ${fmt(mean(c.times))}), ${c.count} words`);
  const w = await wasm(psm);
  console.log(`tesseract.js, psm ${psm}: worker start ${fmt(w.init)}; per 1080p image ${w.times.map(fmt).join(', ')} (mean ${fmt(mean(w.times))}), ${w.count} words`);
}
