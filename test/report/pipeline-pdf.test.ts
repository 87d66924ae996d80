// The PDF rendition in the Box pipeline (DESIGN §11): Box previews an .html report as source
// code, so the job uploads QC_Report_<session>_<name>.pdf beside it, printed by the real
// Chromium; per-client report_formats can turn it off; without Chromium, HTML only and a warning.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeImageSample } from '../../src/demo/samples.js';
import type { BoxQcResult } from '../../src/pipeline/job.js';
import { createReportPdfRenderer, findChromium, type ReportPdfRenderer } from '../../src/report/pdf.js';
import { startWorld, type World } from '../pipeline/harness.js';

const run = promisify(execFile);
let dir: string;
let renderer: ReportPdfRenderer;
let world: World | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiqc-report-pdf-'));
  const { path, problem } = await findChromium(process.env);
  if (!path) throw new Error(`the PDF report test needs Chromium: ${problem}`);
  renderer = createReportPdfRenderer(path);
});
afterEach(async () => {
  await world?.close();
  world = undefined;
});
afterAll(async () => {
  await renderer?.close();
  await rm(dir, { recursive: true, force: true });
});

function blob(w: World, fileId: string): Buffer {
  const state = w.seed.emulator.admin.state;
  return state.blobs.get(state.files.get(fileId)!.versions.at(-1)!.id)!;
}

async function checkImage(w: World): Promise<{ result: BoxQcResult; names: string[]; name: string }> {
  const asset = await writeImageSample(dir, 'key visual.jpg');
  const file = w.upload(asset.name, await readFile(asset.path));
  const job = await w.waitForJob(file, 60_000);
  expect(job.status, job.lastError ?? '').toBe('done');
  return { result: job.result as BoxQcResult, names: w.itemsIn(w.reports.id).map((i) => i.name).sort(), name: asset.name };
}

describe('PDF report beside the HTML in REPORTS', () => {
  it('uploads QC_Report_<session>_<name>.pdf, printed from the same report, next to the .html', async () => {
    world = await startWorld({ engine: 'sqlite', reportPdf: { renderer } });
    const { result, names, name } = await checkImage(world);
    const base = `QC_Report_${result.session_id}_${name}`;
    expect(names).toEqual([`${base}.html`, `${base}.pdf`]);
    expect(result.report_pdf_name).toBe(`${base}.pdf`);
    const pdf = blob(world, result.report_pdf_file_id!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const path = join(dir, 'report.pdf');
    await writeFile(path, pdf);
    const { stdout: text } = await run('pdftotext', ['-layout', path, '-']);
    expect(text).toContain(name);
    expect(text).toContain(result.verdict === 'pass' ? 'PASS' : result.verdict.toUpperCase());
    expect(text).toContain(result.session_id);
    const { stdout: info } = await run('pdfinfo', [path]);
    expect(info).toMatch(/Page size:\s+59\d(\.\d+)? x 84\d(\.\d+)? pts \(A4\)/);
  });

  it("honours the client's report_formats: [html] uploads no PDF", async () => {
    world = await startWorld({ engine: 'sqlite', reportPdf: { renderer }, reportFormats: ['html'] });
    const { result, names } = await checkImage(world);
    expect(names).toEqual([`QC_Report_${result.session_id}_key visual.jpg.html`]);
    expect(result.report_pdf_file_id).toBeUndefined();
  });

  it('without Chromium: the HTML only, the reason on the job and a warning in the log', async () => {
    world = await startWorld({ engine: 'sqlite', reportPdf: { problem: 'no Chromium found on PATH: install it (apt-get install chromium) or set AIQC_CHROMIUM_PATH' } });
    const { result, names } = await checkImage(world);
    expect(names).toEqual([`QC_Report_${result.session_id}_key visual.jpg.html`]);
    expect(result.report_pdf_skipped).toMatch(/no Chromium found/);
    expect(world.logs.map((l) => l.msg)).toContainEqual(expect.stringMatching(/^PDF report not made \(HTML only\): no Chromium found/));
  });
});
