/**
 * The real `aiqc` bin (dist/, built by the global setup) in a child process: exit codes,
 * stdout discipline for --json, report files for --out, and bad input.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.js';
import { makeImage, makePngBomb, makeTruncatedJpeg } from '../helpers/images.js';
import { tempDir } from '../helpers/runtime.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);

async function aiqc(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, AIQC_CONFIG_DIR: join(dir, 'no-config'), ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

describe('aiqc check', () => {
  it('exit 0 for a pass, 1 for a fail; --json prints one report and nothing else on stdout', async () => {
    const good = await aiqc(['check', await makeImage(dir, 'good.jpg', { icc: 'srgb' }), '--json']);
    expect(good.code).toBe(0);
    expect(reportSchema.parse(JSON.parse(good.stdout))).toMatchObject({ verdict: 'pass', profile: { id: 'static_general' } });
    const bad = await aiqc(['check', await makeImage(dir, 'wide.jpg', { width: 1200, height: 628 }), '--profile', 'meta_feed_image', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ verdict: 'fail' });
  });

  it('several files give a JSON array, and --out writes <name>.qc.json, .qc.html and (Chromium present) .qc.pdf for each', async () => {
    const out = join(dir, 'out');
    const files = [await makeImage(dir, 'a.jpg'), await makeImage(dir, 'b.png', { format: 'png' })];
    const r = await aiqc(['check', ...files, '--json', '--out', out]);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    expect((await readdir(out)).sort()).toEqual(['a_jpg.qc.html', 'a_jpg.qc.json', 'a_jpg.qc.pdf', 'b_png.qc.html', 'b_png.qc.json', 'b_png.qc.pdf']);
    expect(await readFile(join(out, 'a_jpg.qc.html'), 'utf8')).toContain('<!doctype html>');
    expect((await readFile(join(out, 'a_jpg.qc.pdf'))).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('--out without Chromium (or with --no-pdf) writes HTML and JSON only, and says why on stderr', async () => {
    const file = await makeImage(dir, 'c.jpg');
    const missing = await aiqc(['check', file, '--out', join(dir, 'out-nochromium')], { AIQC_CHROMIUM_PATH: join(dir, 'no-such-chromium') });
    expect((await readdir(join(dir, 'out-nochromium'))).sort()).toEqual(['c_jpg.qc.html', 'c_jpg.qc.json']);
    expect(missing.stderr).toContain('note: no PDF reports (HTML and JSON only): AIQC_CHROMIUM_PATH=');
    const off = await aiqc(['check', file, '--out', join(dir, 'out-nopdf'), '--no-pdf']);
    expect((await readdir(join(dir, 'out-nopdf'))).sort()).toEqual(['c_jpg.qc.html', 'c_jpg.qc.json']);
    expect(off.stderr).not.toContain('PDF');
  });

  it('bad input gives verdict error with an actionable message, exit 1, quickly', async () => {
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    const text = join(dir, 'notes.png');
    await writeFile(text, 'Dear team, the final artwork is attached.\n');
    const cases: Array<[string, RegExp]> = [
      [empty, /empty \(0 bytes\)/],
      [await makeTruncatedJpeg(dir), /damaged or incomplete .*re-export/],
      [text, /plain text, not an image/],
      [await makePngBomb(dir), /40000×40000 .* over the 150-megapixel limit/],
    ];
    for (const [file, message] of cases) {
      const r = await aiqc(['check', file, '--json']);
      expect(r.code, file).toBe(1);
      const report = reportSchema.parse(JSON.parse(r.stdout));
      expect(report).toMatchObject({ verdict: 'error', score: 0 });
      expect(report.error).toMatch(message);
    }
  });

  it('usage and configuration errors exit 2 with the fix on stderr', async () => {
    const missing = await aiqc(['check', join(dir, 'nope.jpg')]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('nope.jpg: no such file');
    const unknown = await aiqc(['check', await makeImage(dir, 'c.jpg'), '--profile', 'no_such']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no profile with id "no_such".*use one of: .*static_general/s);
    const env = await aiqc(['check', await makeImage(dir, 'd.jpg')], { AIQC_MAX_PIXELS: 'lots' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('AIQC_MAX_PIXELS');
    const flag = await aiqc(['check', '--bogus']);
    expect(flag.code).toBe(2);
  });

  it('profiles validate reports a broken file with its path, line and fix', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'id: broken\nname: Broken\nchecks:\n  - id: image.dimensions\n    params: { allowed: ["1080 by 1080"] }\n');
    const r = await aiqc(['profiles', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} at checks[0].params.allowed[0] (line 5)`);
    expect(r.stderr).toContain('WIDTHxHEIGHT');
    const ok = join(dir, 'ok.yaml');
    await writeFile(ok, 'id: ok_profile\nname: OK\nextends: static_general\n');
    expect(await aiqc(['profiles', 'validate', ok])).toMatchObject({ code: 0, stdout: expect.stringContaining('OK — profile ok_profile') });
  });
});
