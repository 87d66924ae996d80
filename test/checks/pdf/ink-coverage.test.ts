/**
 * pdf.ink_coverage on generated pages: a 400 % rich black fails a 300 % limit, 240 % passes,
 * overprint is applied as a RIP would, and the page averages match Ghostscript's own `inkcov`
 * device (the reference). Without Ghostscript the check is skipped with the install step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.js';
import { requireTool } from '../../analysis/pdf/fixtures.js';
import { A4, cmykBox, inkcov, rawPdf } from './depth-fixtures.js';
import { checkOf, runPdf } from './engine.js';

let dir: string;
const files: Record<string, string> = {};
// A 200 × 200 pt box at (100, 100) from the bottom-left of an A4 page.
const BOX: [number, number, number, number] = [100, 100, 200, 200];

beforeAll(async () => {
  await requireTool('gs', ['--version'], 'ghostscript');
  dir = await mkdtemp(join(tmpdir(), 'aiqc-ink-'));
  files.rich400 = await rawPdf(dir, 'rich-400.pdf', { pages: [{ content: cmykBox(1, 1, 1, 1, BOX) }] });
  files.rich240 = await rawPdf(dir, 'rich-240.pdf', { pages: [{ content: cmykBox(0.6, 0.6, 0.6, 0.6, BOX) }] });
  // 100 % cyan, then 100 % K on top of half of it: 200 % where K overprints, 100 % where it knocks out.
  const underAndOver = (gs: string) => `${cmykBox(1, 0, 0, 0, BOX)}${gs}${cmykBox(0, 0, 0, 1, [100, 100, 100, 200])}`;
  files.overprintK = await rawPdf(dir, 'k-overprint.pdf', { pages: [{ content: underAndOver('/OP1 gs '), extGStates: { OP1: { OP: true, op: true, OPM: 1 } } }] });
  files.knockoutK = await rawPdf(dir, 'k-knockout.pdf', { pages: [{ content: underAndOver('') }] });
  files.twoPages = await rawPdf(dir, 'two-pages.pdf', { pages: [{ content: cmykBox(0.6, 0.6, 0.6, 0.6, BOX) }, { content: cmykBox(1, 1, 1, 1, [300, 500, 100, 100]) }] });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const limit300 = [{ id: 'pdf.ink_coverage', params: { max_percent: 300 } }];

describe('pdf.ink_coverage', () => {
  it('fails a 400 % rich black at 300 %, and says where it is', async () => {
    const c = checkOf(await runPdf(files.rich400!, limit300), 'pdf.ink_coverage');
    expect(c.status).toBe('fail');
    expect(c.measured).toMatchObject({ max_tac_percent: 400, worst_page: 1, pages_over_limit: 1 });
    expect(c.message).toMatch(/^400 % total ink on page 1.*above the 300 % limit/);
    const ev = c.evidence![0]!;
    // The box drawn: x 100–300 pt of 595 pt, y from the top 841.89−300 … 841.89−100 pt.
    expect(ev.box!.x).toBeCloseTo(100 / A4[0], 1);
    expect(ev.box!.x + ev.box!.w).toBeCloseTo(300 / A4[0], 1);
    expect(ev.box!.y).toBeCloseTo((A4[1] - 300) / A4[1], 1);
    expect(ev.box!.y + ev.box!.h).toBeCloseTo((A4[1] - 100) / A4[1], 1);
    const heatmap = (ev.detail as { heatmap: { cols: number; rows: number; values_b64: string } }).heatmap;
    expect(Buffer.from(heatmap.values_b64, 'base64').length).toBe(heatmap.cols * heatmap.rows);
  });

  it('draws the heat-map in the HTML report: red where the 400 % box is, nothing on blank paper', async () => {
    const report = await runPdf(files.rich400!, limit300);
    const html = renderHtml(report);
    expect(html).toContain('<h3>Ink coverage</h3>');
    const figure = /<svg class="chart heatmap" viewBox="0 0 210 ([\d.]+)"[^>]*>(.*?)<\/svg>/s.exec(html);
    expect(figure).not.toBeNull();
    const height = Number(figure![1]);
    const red = [...figure![2]!.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" fill="#82071e"/g)].map((m) => m.slice(1).map(Number));
    expect(red.length).toBeGreaterThan(0);
    // Every far-over cell lies within the box (x 100–300 pt, y 541.89–741.89 pt from the top), one cell of slack.
    const map = (report.checks.find((c) => c.id === 'pdf.ink_coverage')!.evidence![0]!.detail as { heatmap: { cell_px: number; width_px: number } }).heatmap;
    const cell = (210 * map.cell_px) / map.width_px;
    for (const [x, y, w] of red) {
      expect(x! / 210).toBeGreaterThan(100 / A4[0] - cell / 210);
      expect((x! + w!) / 210).toBeLessThan(300 / A4[0] + cell / 210);
      expect(y! / height).toBeGreaterThan((A4[1] - 300) / A4[1] - cell / height);
      expect(y! / height).toBeLessThan((A4[1] - 100) / A4[1] + cell / height);
    }
    expect(html).toMatch(/Page 1: total ink \(C\+M\+Y\+K\) per 1.mm area, highest 400.%, limit 300.%/);
  });

  it('passes 240 % at 300 % and measures it as 240 %', async () => {
    const c = checkOf(await runPdf(files.rich240!, limit300), 'pdf.ink_coverage');
    expect(c.status).toBe('pass');
    expect(c.measured!.max_tac_percent as number).toBeGreaterThan(238);
    expect(c.measured!.max_tac_percent as number).toBeLessThan(242);
  });

  it('applies overprint as the press does: K over cyan is 200 % when it overprints, 100 % when it knocks out', async () => {
    const over = checkOf(await runPdf(files.overprintK!, [{ id: 'pdf.ink_coverage', params: { max_percent: 150 } }]), 'pdf.ink_coverage');
    const knock = checkOf(await runPdf(files.knockoutK!, [{ id: 'pdf.ink_coverage', params: { max_percent: 150 } }]), 'pdf.ink_coverage');
    expect([over.status, over.measured!.max_tac_percent]).toEqual(['fail', 200]);
    expect([knock.status, knock.measured!.max_tac_percent]).toEqual(['pass', 100]);
  });

  it('judges every page and names the one over the limit; its averages match Ghostscript inkcov (the reference)', async () => {
    const c = checkOf(await runPdf(files.twoPages!, limit300), 'pdf.ink_coverage');
    expect(c.status).toBe('fail');
    expect(c.evidence!.map((e) => e.page)).toEqual([2]);
    const reference = await inkcov(files.twoPages!);
    expect(reference).toHaveLength(2);
    const ours = c.evidence![0]!.detail as { average_percent: { c: number; m: number; y: number; k: number } };
    const [rc, rm_, ry, rk] = reference[1]!;
    // inkcov says 0..1 of the page; ours in percent. Same renderer, same resolution: within 0.2 %.
    expect(Math.abs(ours.average_percent.c - rc * 100)).toBeLessThan(0.2);
    expect(Math.abs(ours.average_percent.m - rm_ * 100)).toBeLessThan(0.2);
    expect(Math.abs(ours.average_percent.y - ry * 100)).toBeLessThan(0.2);
    expect(Math.abs(ours.average_percent.k - rk * 100)).toBeLessThan(0.2);
  });

  it('is skipped, with the install step, when Ghostscript is missing', async () => {
    const r = await runPdf(files.rich400!, limit300, { pdf: { ghostscript_path: join(dir, 'no-such-gs') } });
    const c = checkOf(r, 'pdf.ink_coverage');
    expect(c.status).toBe('skipped');
    expect(c.message).toMatch(/Ghostscript is not available.*apt-get install ghostscript/);
  });
});
