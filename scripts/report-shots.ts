/**
 * Screenshots of the fixture reports for a person to look at (issue 15): each report at 390 and
 * 1280 px (full page) and its PDF rendition on A4 and Letter, pages rasterised with pdftoppm.
 *   node --experimental-transform-types --import ./bench/register.mjs scripts/report-shots.ts [OUT_DIR]
 * Not part of `npm test` (the layout test asserts what can be asserted); this is for eyes.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { renderHtml } from '../src/report/html.ts';
import { CHROMIUM_ARGS, createReportPdfRenderer, findChromium } from '../src/report/pdf.ts';
import { tempDir, testRuntime } from '../test/helpers/runtime.ts';
import { buildFixtureReports } from '../test/report/fixture-reports.ts';

const run = promisify(execFile);
const out = process.argv[2] ?? 'bench/.out/report-shots';
await mkdir(out, { recursive: true });
const { path: chromiumPath, problem } = await findChromium(process.env);
if (!chromiumPath) throw new Error(problem);
const rt = await testRuntime();
const { dir, cleanup } = await tempDir();
const reports = await buildFixtureReports(rt, dir);
const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
const pdf = createReportPdfRenderer(chromiumPath);
try {
  for (const [name, report] of Object.entries(reports)) {
    const html = renderHtml(report);
    await writeFile(join(out, `${name}.html`), html);
    await writeFile(join(out, `${name}.json`), JSON.stringify(report, null, 2));
    for (const width of [390, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ path: join(out, `${name}-${width}.png`), fullPage: true });
      await page.close();
    }
    for (const paper of ['A4', 'Letter'] as const) {
      const file = join(out, `${name}-${paper}.pdf`);
      await writeFile(file, await pdf.render(html, { paper }));
      await run('pdftoppm', ['-r', '50', '-png', file, join(out, `${name}-${paper}-page`)]);
    }
    console.log(name, report.verdict);
  }
} finally {
  await browser.close();
  await pdf.close();
  await cleanup();
}
