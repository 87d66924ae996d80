/**
 * What drawing the pages with findings (DESIGN §11) costs a PDF run: wall time of a QC run
 * (print_pdf_general) with the renders of the first six pages with findings and without them
 * (the same engine, the PDF kind handler minus `pageImages`), and the report's size — JSON and
 * HTML — each way. Cases: a 20-page catalogue with findings on every page, the 23-page
 * fixture report the layout test uses, and the worst case for size: 20 pages each filled by an
 * RGB noise image (nothing compresses), 20 pages with findings. Runs alternate so load drifts hit both alike.
 *   npm run bench:pdf-pages [-- ROUNDS]
 * Figures are noisy on a shared machine; note the load with them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { builtinKindHandlers } from '../src/analysis/index.js';
import { KindRegistry } from '../src/qc/catalogue.js';
import { runQc } from '../src/qc/engine.js';
import { renderHtml } from '../src/report/html.js';
import { testRuntime } from '../test/helpers/runtime.js';
import { catalogue23Pdf } from '../test/report/fixture-reports.js';

const rounds = Number(process.argv[2] ?? 5);
const rt = await testRuntime();
const profile = rt.profiles.get('print_pdf_general');
const withPages = rt.deps.kinds;
const withoutPages = new KindRegistry(builtinKindHandlers.map((h) => (h.kind === 'pdf' ? { kind: h.kind, probe: h.probe, ...(h.thumbnail ? { thumbnail: h.thumbnail } : {}) } : h)));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/** `pages` A4 pages, each covered by one 600×850 px RGB noise image (low ppi, RGB: findings). */
async function noisePagesPdf(path: string, pages: number): Promise<string> {
  const doc = await PDFDocument.create();
  const noise = await doc.embedJpg(await sharp({ create: { width: 600, height: 850, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 80 }).toBuffer());
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawImage(noise, { x: 0, y: 0, width: 595, height: 842 });
  await writeFile(path, await doc.save({ useObjectStreams: false }));
  return path;
}

const dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-pages-bench-'));
try {
  const rows = ['| case | pages drawn | run ms (median) | report JSON | report HTML |', '|---|---|---|---|---|'];
  const cases: Array<[string, string]> = [
    ['20-page catalogue', await catalogue23Pdf(dir, 'catalogue_20pp.pdf', 20)],
    ['23-page catalogue (layout fixture)', await catalogue23Pdf(dir, 'catalogue_23pp.pdf', 23)],
    ['20 pages of noise (worst size)', await noisePagesPdf(join(dir, 'noise_20pp.pdf'), 20)],
  ];
  for (const [label, path] of cases) {
    const ms = { on: [] as number[], off: [] as number[] };
    const last: Record<'on' | 'off', { json: number; html: number; drawn: number }> = { on: { json: 0, html: 0, drawn: 0 }, off: { json: 0, html: 0, drawn: 0 } };
    for (let r = 0; r < rounds + 1; r++) {
      for (const mode of ['off', 'on'] as const) {
        const t0 = performance.now();
        const report = await runQc({ path, profile }, { ...rt.deps, kinds: mode === 'on' ? withPages : withoutPages });
        const elapsed = performance.now() - t0;
        if (r > 0) ms[mode].push(elapsed); // round 0 warms pdf.js and the canvas up
        const drawn = (report.asset.thumbnail ? 1 : 0) + (report.asset.page_images?.length ?? 0);
        last[mode] = { json: Buffer.byteLength(JSON.stringify(report)), html: Buffer.byteLength(renderHtml(report)), drawn };
      }
    }
    for (const mode of ['off', 'on'] as const) {
      rows.push(`| ${label}, ${mode === 'on' ? 'with page renders' : 'page 1 only (before)'} | ${last[mode].drawn} | ${median(ms[mode]).toFixed(0)} | ${kb(last[mode].json)} | ${kb(last[mode].html)} |`);
    }
  }
  console.log(`${rows.join('\n')}\n\n${rounds} rounds each, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
