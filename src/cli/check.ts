/** `aiqc check FILE... [--profile ID|PATH] [--client ID] [--json] [--out DIR]` (DESIGN §2). */
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { QcRuntime } from '../app/runtime.js';
import type { ResolvedProfile } from '../qc/types.js';
import type { ReportPdfRenderer } from '../report/pdf.js';
import type { QcReport } from '../report/schema.js';
import { EXIT_OK, EXIT_QC_FAILED, UsageError } from './errors.js';
import { createProgress } from './progress.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

interface CheckOptions {
  profile?: string;
  client?: string;
  json?: boolean;
  out?: string;
  /** --no-pdf sets false; with --out, the PDF is written when Chromium is found. */
  pdf?: boolean;
}

const VERDICT_MARK: Record<QcReport['verdict'], string> = { pass: '✓ PASS', warn: '! WARN', fail: '✗ FAIL', error: '✗ ERROR' };

export function registerCheckCommand(program: Command, getRuntime: () => Promise<QcRuntime>, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('check')
    .description('check local files against a profile and report')
    .argument('<files...>', 'files to check')
    .option('-p, --profile <id|path>', 'profile id or path to a profile YAML (default: the general profile for each file\'s kind)')
    .option('-c, --client <id>', "use this client's default profile")
    .option('--json', 'print the report JSON (an array for several files) on stdout and nothing else there')
    .option('-o, --out <dir>', 'write <name>.qc.json, <name>.qc.html and (when Chromium is found) <name>.qc.pdf for each file into DIR')
    .option('--no-pdf', 'with --out, write no PDF rendition')
    .action(async (files: string[], opts: CheckOptions) => {
      const runtime = await getRuntime();
      const paths = await resolveFiles(files);
      const fixedProfile = await chooseProfile(runtime, opts);
      if (opts.out) await mkdir(opts.out, { recursive: true });

      const progress = createProgress(io.stderr);
      const abort = new AbortController();
      const onSignal = () => abort.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      const reports: QcReport[] = [];
      const pdf = opts.out && opts.pdf !== false ? await pdfRenderer(io) : undefined;
      try {
        for (const [i, path] of paths.entries()) {
          const report = await runtime.run({
            path,
            profile: fixedProfile ?? ((kind) => runtime.profiles.generalFor(kind)),
            ...(opts.client ? { client: runtime.clients.get(opts.client) } : {}),
            signal: abort.signal,
            onProgress: (e) => progress.onEvent(i, paths.length, e),
          });
          progress.done();
          reports.push(report);
          if (opts.out) await writeReportFiles(opts.out, report, pdf);
          if (!opts.json) io.stdout.write(humanSummary(report));
          if (abort.signal.aborted) break;
        }
      } finally {
        process.removeListener('SIGINT', onSignal);
        progress.done();
        await pdf?.close();
      }
      if (opts.json) io.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
      if (opts.out && !opts.json) io.stdout.write(`reports written to ${resolve(opts.out)}\n`);
      setExit(reports.every((r) => r.verdict === 'pass' || r.verdict === 'warn') ? EXIT_OK : EXIT_QC_FAILED);
    });
}

async function resolveFiles(files: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const f of files) {
    try {
      const s = await stat(f);
      if (!s.isFile()) problems.push(`${f}: not a file (folders are not checked; pass the files inside)`);
    } catch {
      problems.push(`${f}: no such file — check the path`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return files.map((f) => resolve(f));
}

async function chooseProfile(runtime: QcRuntime, opts: CheckOptions): Promise<ResolvedProfile | undefined> {
  if (opts.profile && opts.client) throw new UsageError('give --profile or --client, not both');
  if (opts.client) {
    const client = runtime.clients.get(opts.client);
    if (!client) {
      const known = runtime.clients.clients.map((c) => c.id);
      throw new UsageError(`no client "${opts.client}" in ${runtime.clients.file}: ${known.length ? `use one of ${known.join(', ')}` : 'add it to clients.yaml first'}`);
    }
    return runtime.profiles.get(client.default_profile);
  }
  if (!opts.profile) return undefined;
  if (/\.ya?ml$/i.test(opts.profile) || opts.profile.includes('/')) {
    try {
      await access(opts.profile);
    } catch {
      throw new UsageError(`${opts.profile}: profile file not found — check the path, or give a profile id (aiqc profiles list)`);
    }
    const { ProfileSet } = await import('../config/profiles.js');
    return ProfileSet.validateFile(resolve(opts.profile), { catalogue: runtime.catalogue, configDir: runtime.settings.configDir });
  }
  return runtime.profiles.get(opts.profile);
}


export function reportBaseName(name: string): string {
  const base = basename(name, extname(name)) || 'asset';
  return `${base.replace(/[^\w.-]+/g, '_')}${extname(name).replace(/^\./, '_')}`;
}

/** The PDF renderer when Chromium is present (loaded only for --out); else a note on stderr and HTML only. */
async function pdfRenderer(io: CliIo): Promise<ReportPdfRenderer | undefined> {
  const { reportPdfRendererFromEnv } = await import('../report/pdf.js');
  const { renderer, problem } = await reportPdfRendererFromEnv(process.env);
  if (!renderer) io.stderr.write(`note: no PDF reports (HTML and JSON only): ${problem}\n`);
  return renderer;
}

async function writeReportFiles(dir: string, report: QcReport, pdf: ReportPdfRenderer | undefined): Promise<void> {
  const base = join(dir, reportBaseName(report.asset.name));
  const { renderHtml } = await import('../report/html.js');
  const html = renderHtml(report);
  await writeFile(`${base}.qc.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.qc.html`, html);
  if (pdf) await writeFile(`${base}.qc.pdf`, await pdf.render(html));
}

function humanSummary(r: QcReport): string {
  const lines = [`${VERDICT_MARK[r.verdict]}  ${String(r.score).padStart(3)}/100  ${r.asset.name}  (${r.profile.id}, ${(r.duration_ms / 1000).toFixed(1)} s)`];
  if (r.error) lines.push(`    ${r.error}`);
  for (const c of r.checks) {
    if (c.status === 'pass' || (r.error && c.status === 'skipped')) continue;
    if (r.error && c.id === 'file.readable') continue;
    lines.push(`    ${c.status.toUpperCase().padEnd(7)} ${c.id}: ${c.message}`);
  }
  return `${lines.join('\n')}\n`;
}
