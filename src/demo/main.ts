/**
 * `npm run demo`: the quick start's main job on embedded defaults. Writes sample assets,
 * checks each with its general profile, saves the reports under ./demo-out/ and prints a
 * table a person can read at a glance. Exits 0 when every sample got a report.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { settingsFromEnv } from '../config/settings.js';
import { createQcRuntime } from '../qc/runtime.js';
import { renderHtml } from '../report/html.js';
import { writeImageSamples } from '../samples/images.js';
import { reportBaseName } from '../cli/check.js';
import { sniffFile } from '../qc/sniff.js';
import { stat } from 'node:fs/promises';

const outDir = resolve(process.argv[2] ?? 'demo-out');

async function main(): Promise<number> {
  await rm(outDir, { recursive: true, force: true });
  const samplesDir = join(outDir, 'samples');
  await mkdir(samplesDir, { recursive: true });
  const runtime = await createQcRuntime(settingsFromEnv());
  const samples = await writeImageSamples(samplesDir);
  const rows: string[][] = [['file', 'profile', 'score', 'verdict', 'report']];
  for (const s of samples) {
    const kind = (await sniffFile(s.file, (await stat(s.file)).size)).kind;
    const report = await runtime.run({ path: s.file, profile: runtime.profiles.generalFor(kind) });
    const html = join(outDir, `${reportBaseName(report.asset.name)}.qc.html`);
    await writeFile(html, renderHtml(report));
    await writeFile(html.replace(/\.html$/, '.json'), `${JSON.stringify(report, null, 2)}\n`);
    rows.push([basename(s.file), report.profile.id, String(report.score), report.verdict, html.slice(process.cwd().length + 1)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(`\nOpen the .qc.html files in ${outDir} in a browser.`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
