/**
 * pdf.overprint: white set to overprint (it vanishes on press) and 100 % K text that knocks
 * out, read from ExtGState OP/op/OPM in our content walk. The reference is Ghostscript's
 * overprint simulation: under white overprint the cyan beneath survives (the white is gone).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../analysis/pdf/fixtures.js';
import { A4, cmykBox, gsPixel, rawPdf } from './depth-fixtures.js';
import { checkOf, runPdf } from './engine.js';

let dir: string;
const files: Record<string, string> = {};
const CYAN = cmykBox(1, 0, 0, 0, [50, 50, 400, 400]);
const WHITE = cmykBox(0, 0, 0, 0, [100, 100, 100, 100]);
const OP_ON = { OP: true, op: true, OPM: 1 };
const text = (size: number) => `BT /F1 ${size} Tf 100 300 Td (Terms and conditions apply) Tj ET\n`;

beforeAll(async () => {
  await requireTool('gs', ['--version'], 'ghostscript');
  dir = await mkdtemp(join(tmpdir(), 'aiqc-overprint-'));
  files.whiteOverprint = await rawPdf(dir, 'white-op.pdf', { pages: [{ content: `${CYAN}/OP1 gs ${WHITE}`, extGStates: { OP1: OP_ON } }] });
  files.whiteKnockout = await rawPdf(dir, 'white-ko.pdf', { pages: [{ content: `${CYAN}${WHITE}` }] });
  // OP alone sets op too (ISO 32000-1 Table 58); white in DeviceGray is gray 1.
  files.grayWhiteOpOnly = await rawPdf(dir, 'gray-white-OP.pdf', { pages: [{ content: `${CYAN}/OP2 gs 1 g 100 100 100 100 re f`, extGStates: { OP2: { OP: true } } }] });
  // Inside a q/Q the overprint ends with Q: the white box after it knocks out.
  files.restored = await rawPdf(dir, 'white-restored.pdf', { pages: [{ content: `${CYAN}q /OP1 gs Q ${WHITE}`, extGStates: { OP1: OP_ON } }] });
  files.blackKnockout = await rawPdf(dir, 'black-text-ko.pdf', { pages: [{ content: `${CYAN}0 0 0 1 k ${text(9)}`, font: true }] });
  files.blackOverprint = await rawPdf(dir, 'black-text-op.pdf', { pages: [{ content: `${CYAN}/OP1 gs 0 0 0 1 k ${text(9)}`, font: true, extGStates: { OP1: OP_ON } }] });
  files.bigBlackKnockout = await rawPdf(dir, 'big-black-ko.pdf', { pages: [{ content: `${CYAN}0 0 0 1 k ${text(36)}`, font: true }] });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const WHITE_CENTRE: [number, number] = [150, A4[1] - 150];

describe('pdf.overprint', () => {
  it('fails a white box set to overprint; Ghostscript shows it vanishing (cyan survives beneath it)', async () => {
    const c = checkOf(await runPdf(files.whiteOverprint!, [{ id: 'pdf.overprint' }]), 'pdf.overprint');
    expect(c.status).toBe('fail');
    expect(c.measured).toMatchObject({ white_overprint: 1 });
    expect(c.message).toMatch(/^1 white object set to overprint on page 1 \(it vanishes in print\)/);
    expect(c.evidence![0]!.label).toMatch(/vanishes/);
    expect(c.evidence![0]).toMatchObject({ page: 1, detail: { colour: 'DeviceCMYK 0 0 0 0', paint: 'fill', overprint_mode: 1 } });
    expect(c.evidence![0]!.box!.x).toBeCloseTo(100 / A4[0], 2);
    expect(await gsPixel(files.whiteOverprint!, ...WHITE_CENTRE)).toEqual([255, 0, 0, 0]);
  });

  it('passes the same white box knocking out; Ghostscript shows it white', async () => {
    expect(checkOf(await runPdf(files.whiteKnockout!, [{ id: 'pdf.overprint' }]), 'pdf.overprint').status).toBe('pass');
    expect(await gsPixel(files.whiteKnockout!, ...WHITE_CENTRE)).toEqual([0, 0, 0, 0]);
  });

  it('reads op from OP when op is absent, and white in gray (flagged as preflight tools do, though Ghostscript knocks it out)', async () => {
    const c = checkOf(await runPdf(files.grayWhiteOpOnly!, [{ id: 'pdf.overprint' }]), 'pdf.overprint');
    expect(c.status).toBe('fail');
    expect(c.evidence![0]!.detail).toMatchObject({ colour: 'DeviceGray 1', overprint_mode: 0 });
    expect(c.evidence![0]!.label).toMatch(/depends on the RIP/);
    // Ghostscript converts gray through ICC and paints all four inks under OPM 0: white stays.
    // Whether it vanishes is the RIP's choice, which is why the file should not ask for it.
    expect(await gsPixel(files.grayWhiteOpOnly!, ...WHITE_CENTRE)).toEqual([0, 0, 0, 0]);
  });

  it('ends overprint at Q, and allows white overprint when the profile says so', async () => {
    expect(checkOf(await runPdf(files.restored!, [{ id: 'pdf.overprint' }]), 'pdf.overprint').status).toBe('pass');
    expect(checkOf(await runPdf(files.whiteOverprint!, [{ id: 'pdf.overprint', params: { allow_white_overprint: true } }]), 'pdf.overprint').status).toBe('pass');
  });

  it('fails 100 % K text that knocks out when the profile wants black overprint; passes it overprinting', async () => {
    const wants = [{ id: 'pdf.overprint', params: { black_text_overprint: true, black_text_max_pt: 12 } }];
    const ko = checkOf(await runPdf(files.blackKnockout!, wants), 'pdf.overprint');
    expect(ko.status).toBe('fail');
    expect(ko.measured).toMatchObject({ black_text_runs: 1, black_text_knocking_out: 1 });
    expect(ko.message).toMatch(/1 run of 100 % black text \(9–9 pt\) knocking out on page 1/);
    expect(ko.evidence![0]).toMatchObject({ page: 1, detail: { text_pt: 9, overprint: false } });
    expect(checkOf(await runPdf(files.blackOverprint!, wants), 'pdf.overprint').status).toBe('pass');
    // 36 pt is over the 12 pt limit: not judged.
    expect(checkOf(await runPdf(files.bigBlackKnockout!, wants), 'pdf.overprint').status).toBe('pass');
    // Without the requirement, knocking-out black text is fine.
    expect(checkOf(await runPdf(files.blackKnockout!, [{ id: 'pdf.overprint' }]), 'pdf.overprint').status).toBe('pass');
  });
});
