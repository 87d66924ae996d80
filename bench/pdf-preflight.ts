/**
 * Not a test: wall time and peak memory of PDF preflight (print_pdf_general) on huge and
 * hostile PDFs, each in a fresh Node process so one case's heap does not colour the next.
 * Run: npm run build && node --import ./bench/register.mjs bench/pdf-preflight.ts [pages=2000]
 * (ghostscript on PATH). The QC run uses the built dist/ (Node's type stripping cannot run
 * src/ directly: parameter properties), fixtures come from the tests' generators. Prints a markdown table, also written to bench/.out/pdf-preflight.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fx from '../test/analysis/pdf/fixtures.ts';

if (process.argv[2] === '--one') {
  // Child: one QC run with the given max_detail_pages.
  const [file, detailPages] = process.argv.slice(3);
  // Built code, imported by URL so the type checker does not look for declarations.
  const dist = (path: string) => import(new URL(`../dist/${path}`, import.meta.url).href);
  const { readEnvironment } = (await dist('config/environment.js')) as { readEnvironment: (env: unknown, names: string[]) => { core: unknown } };
  type Runtime = { profiles: { get(id: string): unknown }; run(input: { path: string; profile: unknown }): Promise<Report> };
  type Report = { verdict: string; error?: string; checks: Array<{ id: string; status: string }> };
  const { createQcRuntime } = (await dist('app/runtime.js')) as { createQcRuntime: (s: unknown, ext: Record<string, unknown>) => Promise<Runtime> };
  const runtime = await createQcRuntime(readEnvironment(process.env, ['core']).core, { pdf: { max_detail_pages: Number(detailPages) } });
  const t0 = performance.now();
  const report = await runtime.run({ path: file!, profile: runtime.profiles.get('print_pdf_general') });
  const ms = Math.round(performance.now() - t0);
  const notPassing = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`);
  console.log(JSON.stringify({ ms, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), verdict: report.verdict, message: report.error ?? notPassing.join('; ') }));
  process.exit(0);
}

const pages = Number(process.argv[2] ?? 2000);
const dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-bench-'));
try {
  const text = await fx.manyPagesPdf(dir, 'catalogue.pdf', pages);
  const images = await fx.manyImagePagesPdf(dir, 'catalogue-images.pdf', pages);
  const cases: Array<[string, string, number]> = [
    [`${pages} text pages, default cap (100)`, text, 100],
    [`${pages} text pages, no cap`, text, pages],
    [`${pages} pages with an image each, default cap`, images, 100],
    [`${pages} pages with an image each, no cap`, images, pages],
    ['password to open', await fx.encryptedPdf(dir, 'locked.pdf', { userPassword: 'secret', allowPrint: true }), 100],
    ['truncated (60 %)', await fx.truncatedCopy(images, dir, 'truncated.pdf'), 100],
    ['garbage after a %PDF header', await fx.garbagePdf(dir, 'garbage.pdf'), 100],
    ['not a PDF (text named .pdf)', await fx.notAPdf(dir, 'not-a-pdf.pdf'), 100],
  ];
  const rows = ['| case | size | wall ms | peak RSS MB | verdict | checks not passing / error |', '|---|---|---|---|---|---|'];
  const self = fileURLToPath(import.meta.url);
  const register = fileURLToPath(new URL('./register.mjs', import.meta.url));
  for (const [label, file, cap] of cases) {
    const child = spawnSync(process.execPath, ['--import', register, self, '--one', file, String(cap)], { encoding: 'utf8' });
    const last = child.stdout.trim().split('\n').at(-1) ?? '';
    const r = (last.startsWith('{') ? JSON.parse(last) : { verdict: `crashed: ${child.stderr.slice(0, 200)}` }) as { ms?: number; peak_rss_mb?: number; verdict: string; message?: string };
    const size = `${((await stat(file)).size / 1e6).toFixed(2)} MB`;
    rows.push(`| ${label} | ${size} | ${r.ms ?? '?'} | ${r.peak_rss_mb ?? '?'} | ${r.verdict} | ${(r.message ?? '').replace(/\|/g, '/').slice(0, 170)} |`);
  }
  const table = rows.join('\n');
  await mkdir(new URL('./.out/', import.meta.url), { recursive: true });
  await writeFile(new URL('./.out/pdf-preflight.md', import.meta.url), `${table}\n`);
  console.log(table);
} finally {
  await rm(dir, { recursive: true, force: true });
}
