#!/usr/bin/env node
// PDF preflight on hostile and huge inputs: wall time and peak memory per file, each in a
// fresh Node process so one case's heap does not colour the next. Needs `npm run build`,
// ghostscript (gs) on PATH. Usage: node bench/pdf-preflight.mjs [pages=2000]
//   → a markdown table on stdout, also written to bench/.out/pdf-preflight.md
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';

if (process.argv[2] === '--one') {
  // Child: one QC run with print_pdf_general, limits from argv.
  const [, , , file, detailPages] = process.argv;
  const { builtinKindHandlers } = await import('../dist/analysis/index.js');
  const { builtinChecks } = await import('../dist/checks/index.js');
  const { CheckCatalogue, KindRegistry } = await import('../dist/qc/catalogue.js');
  const { runQc } = await import('../dist/qc/engine.js');
  const { ProfileSet } = await import('../dist/config/profiles.js');
  const catalogue = new CheckCatalogue(builtinChecks);
  const profile = (await ProfileSet.load({ catalogue })).get('print_pdf_general');
  const env = { maxPixels: 150e6, checkTimeoutMs: 300e3, ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', tmpDir: tmpdir(), extensions: { pdf: { max_detail_pages: Number(detailPages) } } };
  const t0 = performance.now();
  const report = await runQc({ path: file, profile }, { catalogue, kinds: new KindRegistry(builtinKindHandlers), env, toolVersion: 'bench' });
  const ms = Math.round(performance.now() - t0);
  const failing = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status}`);
  console.log(JSON.stringify({ ms, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), verdict: report.verdict, message: report.error ?? failing.join('; ') }));
  process.exit(0);
}

const pages = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'aiqc-pdf-bench-'));
const gs = (name, ps, extra = []) => {
  writeFileSync(join(dir, `${name}.ps`), ps);
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', ...extra, '-o', join(dir, name), join(dir, `${name}.ps`)]);
  return join(dir, name);
};
const a4 = '<< /PageSize [595.28 841.89] >> setpagedevice /NimbusSans-Regular findfont 14 scalefont setfont';
const catalogue = gs('catalogue.pdf', `%!PS\n${a4}\n1 1 ${pages} { 72 700 moveto (Catalogue page ) show 10 string cvs show 0 0 1 0 setcmykcolor 72 72 200 200 rectfill showpage } for\n`);
// Every page its own 96×96 RGB image (random pixels, so nothing is shared or compressible).
const images = gs('catalogue-images.pdf', `%!PS\n${a4}\n/px 96 96 mul 3 mul string def\n1 1 ${pages} { pop 0 1 px length 1 sub { px exch rand 256 mod put } for gsave 72 300 translate 200 200 scale 96 96 8 [96 0 0 -96 0 96] {px} false 3 colorimage grestore showpage } for\n`);
const locked = gs('locked.pdf', `%!PS\n${a4}\n72 700 moveto (secret) show showpage\n`, ['-sOwnerPassword=o', '-sUserPassword=u', '-dEncryptionR=3', '-dKeyLength=128']);
const whole = readFileSync(catalogue);
writeFileSync(join(dir, 'truncated.pdf'), whole.subarray(0, Math.floor(whole.length / 2)));
writeFileSync(join(dir, 'garbage.pdf'), Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1 << 20, 7), Buffer.from('\n%%EOF\n')]));
writeFileSync(join(dir, 'not-a-pdf.pdf'), 'plain text renamed to .pdf\n'.repeat(100));

const cases = [
  [`${pages} pages, default cap (100)`, catalogue, 100],
  [`${pages} pages, no cap`, catalogue, pages],
  [`${pages} pages with an image each, default cap`, images, 100],
  [`${pages} pages with an image each, no cap`, images, pages],
  ['password to open', locked, 100],
  ['truncated (half)', join(dir, 'truncated.pdf'), 100],
  ['garbage after %PDF header (1 MB)', join(dir, 'garbage.pdf'), 100],
  ['not a PDF (text)', join(dir, 'not-a-pdf.pdf'), 100],
];
const rows = ['| case | size | wall ms | peak RSS MB | verdict | message |', '|---|---|---|---|---|---|'];
for (const [label, file, cap] of cases) {
  const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--one', file, String(cap)], { encoding: 'utf8' });
  const line = child.stdout.trim().split('\n').pop() ?? '{}';
  const r = JSON.parse(line.startsWith('{') ? line : '{}');
  const size = `${(readFileSync(file).length / 1e6).toFixed(2)} MB`;
  rows.push(`| ${label} | ${size} | ${r.ms ?? '?'} | ${r.peak_rss_mb ?? '?'} | ${r.verdict ?? child.stderr.slice(0, 200)} | ${(r.message ?? '').replace(/\|/g, '/').slice(0, 160)} |`);
}
rmSync(dir, { recursive: true, force: true });
const table = rows.join('\n');
mkdirSync(new URL('./.out/', import.meta.url), { recursive: true });
writeFileSync(new URL('./.out/pdf-preflight.md', import.meta.url), `${table}\n`);
console.log(table);
