/**
 * `npm run demo`: the Box pipeline end to end on one machine. Starts the Box emulator and aiqc
 * (server, worker, sweeper) on free ports, onboards a demo client as the runbook does, uploads
 * an image, a video, a PDF and a .docx as the client's person, waits for the reports, saves them
 * under ./demo-out/ and prints a table a person can read at a glance. Exits 0 when every
 * QC-able sample got its report and the .docx was skipped.
 */
import { resolve } from 'node:path';
import { runBoxDemo, type DemoRow } from './box-demo.js';

const outDir = resolve(process.argv[2] ?? 'demo-out');

function printTable(rows: DemoRow[]): void {
  const table = [['file', 'profile', 'score', 'verdict', 'report'], ...rows.map((r) => [r.file, r.profile, r.score, r.verdict, r.report])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(table[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table.slice(1)) console.log(line(r));
}

async function main(): Promise<number> {
  const started = Date.now();
  const result = await runBoxDemo({ outDir, log: (line) => console.log(line) });
  console.log('');
  printTable(result.rows);
  console.log(`\n${result.ok ? 'Done' : 'Finished with problems'} in ${((Date.now() - started) / 1000).toFixed(1)} s. Open the .qc.html (or .qc.pdf) files in ${outDir}.`);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
