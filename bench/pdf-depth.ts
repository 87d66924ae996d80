/**
 * Not a test: the time the print-depth checks (issue 17: pdf.ink_coverage, pdf.hairlines,
 * pdf.overprint, pdf.pdfx) add to PDF preflight, on a generated 20-page brochure (text, a
 * CMYK photo, rules of several widths and a rich-black band on every page).
 *
 *   node --no-warnings --experimental-transform-types --import ./bench/register.mjs bench/pdf-depth.ts [pages=20] [runs=5]
 *
 * Profiles compared, each run `runs` times after one warm-up (pdf.js and pdf-lib loaded),
 * median wall time: "today" = print_pdf_general without the new checks; "+ walk checks" adds
 * hairlines and overprint (read in the probe's one content walk); "+ ink" adds the Ghostscript
 * render; "print_pdfx1a" is the built-in profile with everything. It also counts, per QC run,
 * pdf-lib parses (PDFDocument.load) and Ghostscript processes: the parse must stay single.
 * Prints a markdown table, also written to bench/.out/pdf-depth.md, with the load average.
 */
import childProcess from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmyk, PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { builtinKindHandlers } from '../src/analysis/index.js';
import { GraphicsReader } from '../src/analysis/pdf/graphics.js';
import { readStructure } from '../src/analysis/pdf/structure.js';
import { builtinChecks } from '../src/checks/index.js';
import { ProfileSet } from '../src/config/profiles.js';
import { CheckCatalogue, KindRegistry } from '../src/qc/catalogue.js';
import { runQc } from '../src/qc/engine.js';
import type { ResolvedProfile } from '../src/qc/types.js';

const pages = Number(process.argv[2] ?? 20);
const runs = Number(process.argv[3] ?? 5);
const NEW = new Set(['pdf.ink_coverage', 'pdf.hairlines', 'pdf.overprint', 'pdf.pdfx']);

// Count pdf-lib parses and Ghostscript processes per QC run.
let parses = 0;
let gsRuns = 0;
const load = PDFDocument.load.bind(PDFDocument);
PDFDocument.load = ((...args: Parameters<typeof load>) => {
  parses++;
  return load(...args);
}) as typeof PDFDocument.load;
const spawn = childProcess.spawn;
childProcess.spawn = ((cmd: string, ...rest: unknown[]) => {
  if (/(^|\/)gs$/.test(cmd)) gsRuns++;
  return (spawn as (...a: unknown[]) => unknown)(cmd, ...rest);
}) as typeof childProcess.spawn;
syncBuiltinESMExports();

async function brochure(path: string, n: number): Promise<void> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const photo = await doc.embedJpg(
    await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 30, g: 90, b: 160 } } })
      .composite([{ input: Buffer.from('<svg width="1200" height="800"><circle cx="600" cy="400" r="300" fill="#e0a030"/></svg>') }])
      .toColourspace('cmyk')
      .jpeg({ quality: 85 })
      .toBuffer(),
  );
  for (let i = 0; i < n; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.setTrimBox(0, 0, 595.28, 841.89);
    page.drawImage(photo, { x: 40, y: 420, width: 515, height: 343 });
    for (let l = 0; l < 30; l++) page.drawText(`Page ${i + 1}, line ${l + 1}: the quick brown fox jumps over the lazy dog.`, { x: 40, y: 390 - l * 11, size: 9, font, color: cmyk(0, 0, 0, 1) });
    for (const [k, w] of [0.1, 0.25, 0.5, 1, 2].entries()) page.drawLine({ start: { x: 40, y: 40 + k * 8 }, end: { x: 555, y: 40 + k * 8 }, thickness: w, color: cmyk(0, 0, 0, 1) });
    page.drawRectangle({ x: 0, y: 790, width: 595.28, height: 52, color: cmyk(0.6, 0.5, 0.4, 1) });
  }
  await writeFile(path, await doc.save());
}

const dir = await mkdtemp(join(tmpdir(), 'aiqc-pdf-depth-'));
try {
  const file = join(dir, `brochure-${pages}pp.pdf`);
  await brochure(file, pages);
  const catalogue = new CheckCatalogue(builtinChecks);
  const kinds = new KindRegistry(builtinKindHandlers);
  const profiles = await ProfileSet.load({ catalogue });
  const general = profiles.get('print_pdf_general');
  const only = (p: ResolvedProfile, keep: (id: string) => boolean, id: string): ResolvedProfile => ({ ...p, id, name: id, checks: p.checks.filter((c) => keep(c.id)) });
  const cases: Array<[string, ResolvedProfile]> = [
    ['today: print_pdf_general without the new checks', only(general, (id) => !NEW.has(id), 'today')],
    ['+ pdf.hairlines + pdf.overprint (same walk)', only(general, (id) => id !== 'pdf.ink_coverage', 'walk')],
    ['+ pdf.ink_coverage (print_pdf_general as shipped)', general],
    ['print_pdfx1a (all four)', profiles.get('print_pdfx1a')],
  ];
  const env = { maxPixels: 50_000_000, checkTimeoutMs: 300_000, ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', tmpDir: dir, extensions: {} };
  // CPU: this process (process.cpuUsage) plus reaped children (cutime + cstime in /proc/self/stat,
  // clock ticks of 10 ms): under load, CPU seconds are steadier than wall time.
  const childCpuMs = async () => {
    const fields = (await readFile('/proc/self/stat', 'utf8').catch(() => '')).split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) * 10;
  };
  const once = async (profile: ResolvedProfile) => {
    parses = 0;
    gsRuns = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const child0 = await childCpuMs();
    const report = await runQc({ path: file, profile }, { catalogue, kinds, env, toolVersion: 'bench' });
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 + ((await childCpuMs()) - child0);
    return { ms: performance.now() - t0, cpuMs, report, parses, gsRuns };
  };
  await once(cases[0]![1]); // warm-up: loads pdf.js, pdf-lib, canvas
  const results: Array<{ label: string; median: number; all: number[]; cpu: number; parses: number; gs: number; statuses: string; own: string }> = [];
  const times = new Map<string, number[]>(cases.map(([l]) => [l, []]));
  const cpus = new Map<string, number[]>(cases.map(([l]) => [l, []]));
  let last = new Map<string, Awaited<ReturnType<typeof once>>>();
  for (let r = 0; r < runs; r++) {
    // Interleaved, so a burst of load on the machine hits every case alike.
    for (const [label, profile] of cases) {
      const got = await once(profile);
      times.get(label)!.push(got.ms);
      cpus.get(label)!.push(got.cpuMs);
      last.set(label, got);
    }
  }
  for (const [label] of cases) {
    const all = times.get(label)!.sort((a, b) => a - b);
    const got = last.get(label)!;
    const statuses = got.report.checks.filter((c) => NEW.has(c.id)).map((c) => `${c.id.slice(4)} ${c.status}`).join(', ');
    const own = got.report.checks.filter((c) => NEW.has(c.id)).map((c) => `${c.id.slice(4)} ${c.duration_ms}`).join(', ');
    const cpu = cpus.get(label)!.sort((a, b) => a - b);
    results.push({ label, median: all[Math.floor(all.length / 2)]!, all, cpu: cpu[Math.floor(cpu.length / 2)]!, parses: got.parses, gs: got.gsRuns, statuses, own });
  }
  const base = results[0]!.median;
  const baseCpu = results[0]!.cpu;
  // The graphics state is followed in the probe's walk whatever the profile: its cost, measured
  // as the structure read with GraphicsReader.op live vs a no-op (median of 15 each, interleaved).
  const bytes = new Uint8Array(await readFile(file));
  const live = GraphicsReader.prototype.op;
  const walk: Record<'live' | 'off', number[]> = { live: [], off: [] };
  for (let i = 0; i < 15; i++) {
    for (const mode of ['live', 'off'] as const) {
      GraphicsReader.prototype.op = mode === 'live' ? live : () => undefined;
      const t0 = performance.now();
      await readStructure(bytes, { maxDetailPages: 100 });
      walk[mode].push(performance.now() - t0);
    }
  }
  GraphicsReader.prototype.op = live;
  const med = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const size = ((await stat(file)).size / 1e6).toFixed(2);
  const rows = [
    `${pages}-page brochure (${size} MB), ${runs} runs each after a warm-up; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at the end, ${(await readFile('/proc/cpuinfo', 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('processor')).length || '?'} CPUs`,
    '',
    '| profile | median wall ms | wall ratio vs today | median CPU ms (incl. gs) | CPU ratio | runs (wall ms) | pdf-lib parses per run | Ghostscript runs | new checks | their own ms (last run) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.label} | ${Math.round(r.median)} | ${(r.median / base).toFixed(2)} | ${Math.round(r.cpu)} | ${(r.cpu / baseCpu).toFixed(2)} | ${r.all.map((v) => Math.round(v)).join(', ')} | ${r.parses} | ${r.gs} | ${r.statuses || '—'} | ${r.own || '—'} |`),
  ];
  rows.push('', `Structure read (pdf-lib parse + content walk) of the same file: ${med(walk.off).toFixed(1)} ms without following the graphics state, ${med(walk.live).toFixed(1)} ms with it (median of 15).`);
  const table = rows.join('\n');
  await mkdir(new URL('./.out/', import.meta.url), { recursive: true });
  await writeFile(new URL('./.out/pdf-depth.md', import.meta.url), `${table}\n`);
  console.log(table);
  last = new Map();
} finally {
  await rm(dir, { recursive: true, force: true });
}
