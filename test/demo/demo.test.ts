// `npm run demo` as a person runs it (the built dist/demo/main.js): emulator and aiqc in one
// process tree, reports fetched back from REPORTS, a table, exit 0.
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DEMO = join(import.meta.dirname, '../../dist/demo/main.js');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('onboards a client, uploads four samples and prints one row per file with the reports saved', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aiqc-demo-test-'));
    dirs.push(cwd);
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const { stdout } = await run(process.execPath, [DEMO], { cwd, env, timeout: 120_000 });
    const lines = stdout.split('\n');
    expect(stdout).toMatch(/register-all-clients: demo_client \(\d+\): CREATED webhook id=\d+/);
    const header = lines.findIndex((l) => /^file\s+profile\s+score\s+verdict\s+report$/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, header + 6).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => r[0])).toEqual(['summer_sale_1080x1080.jpg', 'spot_720p.mp4', 'flyer_a4.pdf', 'brief.docx']);
    expect(rows[0]).toEqual(['summer_sale_1080x1080.jpg', 'static_general', expect.stringMatching(/^\d+$/), expect.stringMatching(/^(pass|warn)$/), 'demo-out/summer_sale_1080x1080_jpg.qc.html + .qc.pdf']);
    expect(rows[3]).toEqual(['brief.docx', '-', '-', 'skipped: non-QC extension', '-']);
    // Every QC-able sample's report came back from REPORTS, whatever its verdict.
    for (const base of ['summer_sale_1080x1080_jpg', 'spot_720p_mp4', 'flyer_a4_pdf']) {
      await access(join(cwd, 'demo-out', `${base}.qc.html`));
      // …and its PDF rendition (Chromium is installed where the tests run), what Box previews.
      expect((await readFile(join(cwd, 'demo-out', `${base}.qc.pdf`))).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const report = JSON.parse(await readFile(join(cwd, 'demo-out', `${base}.qc.json`), 'utf8')) as { session_id: string };
      expect(report.session_id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]+$/);
    }
    expect(stdout).toMatch(/INCOMING\/_PROCESSED now holds: .*_summer_sale_1080x1080\.jpg/);
    expect(stdout).toMatch(/REPORTS now holds: .*_flyer_a4\.pdf\.html, QC_Report_\S+_flyer_a4\.pdf\.pdf/);
  });
});
