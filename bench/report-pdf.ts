/**
 * PDF report rendering cost (issue 15): time and memory per report for the five fixture reports
 * (pass image, fail image, 23-page PDF, video with segments, error), three ways —
 *   kept:   one Chromium kept by the renderer (what the pipeline and `aiqc check --out` do);
 *           the first render pays the browser start, the rest only the print;
 *   cold:   a new renderer per report (launch + print + close);
 *   cli:    `chromium --headless --print-to-pdf` spawned per report (no playwright).
 * Memory: resident set of the Chromium process tree (sampled every 25 ms, peak) and of Node.
 *   npm run bench:report-pdf [-- ROUNDS]
 * Figures are noisy on a shared machine; note the load with them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderHtml } from '../src/report/html.js';
import { CHROMIUM_ARGS, createReportPdfRenderer, findChromium } from '../src/report/pdf.js';
import { testRuntime } from '../test/helpers/runtime.js';
import { buildFixtureReports } from '../test/report/fixture-reports.js';

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 2);

/**
 * Memory (MB) of every process descended from this one — the browser and its renderers — as
 * PSS (shared pages split between the processes that map them; summing RSS would count
 * Chromium's shared libraries once per process).
 */
async function childTreeRssMb(): Promise<number> {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = await readFile(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const rollup = await readFile(`/proc/${name}/smaps_rollup`, 'utf8').catch(() => '');
      const kb = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      parents.set(Number(name), ppid);
      rss.set(Number(name), kb);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [pid, kb] of rss) {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === process.pid) {
        total += kb;
        break;
      }
    }
  }
  return total / 1024;
}

async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakMb: number }> {
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await childTreeRssMb());
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const t0 = performance.now();
  let value: T;
  try {
    value = await fn();
  } finally {
    sampling = false;
  }
  const ms = performance.now() - t0;
  // A walk over /proc can outlast a render on a loaded machine: wait for the sample in flight
  // (taken while the browser was printing) before reporting the peak.
  await sampler;
  return { value, ms, peakMb: peak };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { path: chromium, problem } = await findChromium(process.env);
  if (!chromium) throw new Error(problem);
  const dir = await mkdtemp(join(tmpdir(), 'aiqc-bench-report-pdf-'));
  try {
    const reports = await buildFixtureReports(await testRuntime(), dir);
    const htmls = Object.entries(reports).map(([name, r]) => ({ name, html: renderHtml(r) }));
    console.log(`Chromium ${chromium}; ${rounds} rounds; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on this shared machine\n`);
    const rows: string[][] = [['report', 'HTML KB', 'PDF KB', 'pages', 'start+print ms', 'print ms (median)', 'kept peak MB', 'cold ms (median)', 'cold peak MB', 'cli ms (median)', 'Node RSS MB']];
    for (const { name, html } of htmls) {
      // kept: the renderer the pipeline holds — the first render starts Chromium, the rest reuse it.
      const kept = createReportPdfRenderer(chromium);
      let first: Awaited<ReturnType<typeof measured<Buffer>>>;
      const next: number[] = [];
      let keptPeak = 0;
      try {
        first = await measured(() => kept.render(html));
        keptPeak = first.peakMb;
        for (let i = 0; i < rounds; i++) {
          const m = await measured(() => kept.render(html));
          next.push(m.ms);
          keptPeak = Math.max(keptPeak, m.peakMb);
        }
      } finally {
        await kept.close();
      }
      // cold: launch, print, close for every report.
      const cold: number[] = [];
      let coldPeak = 0;
      for (let i = 0; i < rounds; i++) {
        const fresh = createReportPdfRenderer(chromium);
        const m = await measured(async () => {
          await fresh.render(html);
          await fresh.close();
        });
        cold.push(m.ms);
        coldPeak = Math.max(coldPeak, m.peakMb);
      }
      // cli: chromium --print-to-pdf per report, no DevTools client at all.
      const htmlPath = join(dir, `${name}.html`);
      await writeFile(htmlPath, html);
      const cli: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const out = join(dir, `${name}-cli.pdf`);
        const m = await measured(() => run(chromium, [...CHROMIUM_ARGS, '--no-pdf-header-footer', `--print-to-pdf=${out}`, `file://${htmlPath}`], { timeout: 120_000 }));
        cli.push(m.ms);
      }
      const pdfPath = join(dir, `${name}.pdf`);
      await writeFile(pdfPath, first.value);
      const pages = /Pages:\s+(\d+)/.exec((await run('pdfinfo', [pdfPath])).stdout)?.[1] ?? '?';
      rows.push([
        name,
        (Buffer.byteLength(html) / 1000).toFixed(0),
        ((await stat(pdfPath)).size / 1000).toFixed(0),
        pages,
        first.ms.toFixed(0),
        median(next).toFixed(0),
        keptPeak.toFixed(0),
        median(cold).toFixed(0),
        coldPeak.toFixed(0),
        median(cli).toFixed(0),
        (process.memoryUsage().rss / 2 ** 20).toFixed(0),
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
