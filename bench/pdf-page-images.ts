/**
 * What drawing the pages with findings (DESIGN §11) costs a PDF run: wall time of a QC run
 * (print_pdf_general) with the renders of the first six pages with findings and without them
 * (the same engine, the PDF kind handler minus `pageImages`), and the report's size — JSON and
 * HTML — each way. Cases: a 20-page catalogue with findings on every page, and the 23-page
 * fixture report the layout test uses. Runs alternate so load drifts hit both alike.
 *   npm run bench:pdf-pages [-- ROUNDS]
 * Figures are noisy on a shared machine; note the load with them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
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

const dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-pages-bench-'));
try {
  const rows = ['| case | pages drawn | run ms (median) | report JSON | report HTML |', '|---|---|---|---|---|'];
  for (const pages of [20, 23]) {
    const path = await catalogue23Pdf(dir, `catalogue_${pages}pp.pdf`, pages);
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
      rows.push(`| ${pages} pages, ${mode === 'on' ? 'with page renders' : 'page 1 only (before)'} | ${last[mode].drawn} | ${median(ms[mode]).toFixed(0)} | ${kb(last[mode].json)} | ${kb(last[mode].html)} |`);
    }
  }
  console.log(`${rows.join('\n')}\n\n${rounds} rounds each, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
