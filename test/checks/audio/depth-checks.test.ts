/**
 * Issue 17's audio checks — audio.loudness_range and audio.phase — passing and failing on
 * generated sound through the real engine, with the reference's figure beside ours: FFmpeg
 * ebur128's own LRA summary, and the L/R correlation computed from the decoded samples.
 */
import { describe, expect, it } from 'vitest';
import { depthFixture, referenceCorrelation, type DepthFixtureName } from '../../fixtures/av-depth-fixtures.js';
import { fixture, referenceLoudness } from '../../fixtures/av-fixtures.js';
import { adHocProfile, checkOf, qc } from '../../analysis/av/engine-helper.js';
import { outOfPhase } from '../../../src/analysis/av/phase.js';

async function resultOf(path: string, id: string, params: Record<string, unknown> = {}) {
  return checkOf(await qc(path, adHocProfile([{ id, params }])), id);
}

describe('audio.loudness_range (EBU Tech 3342)', () => {
  const cases: Array<{ fixture: DepthFixtureName; params: Record<string, unknown>; expected: 'pass' | 'fail' }> = [
    { fixture: 'steadyNoise', params: { max_lu: 20 }, expected: 'pass' },
    { fixture: 'dynamicNoise', params: { max_lu: 15 }, expected: 'fail' },
    { fixture: 'dynamicNoise', params: { max_lu: 20 }, expected: 'pass' },
    { fixture: 'steadyNoise', params: { min_lu: 3 }, expected: 'fail' },
  ];
  for (const c of cases) {
    it(`${c.fixture} ${JSON.stringify(c.params)}: ${c.expected}, LRA equal to ebur128's`, async () => {
      const path = await depthFixture(c.fixture);
      const r = await resultOf(path, 'audio.loudness_range', c.params);
      const ref = await referenceLoudness(path);
      console.info(`audio.loudness_range ${c.fixture} ${JSON.stringify(c.params)}: expected ${c.expected}, got ${r.status}, LRA ${String(r.measured?.['lra_lu'])} LU; ffmpeg ebur128 summary: LRA ${ref.lra_lu} LU`);
      expect(r.status).toBe(c.expected);
      // ebur128 prints one decimal; ours is its running value to three.
      expect(Math.abs((r.measured?.['lra_lu'] as number) - ref.lra_lu)).toBeLessThanOrEqual(0.06);
      const band = r.evidence?.[0]?.series?.band;
      expect(band!.max - band!.min).toBeCloseTo(r.measured?.['lra_lu'] as number, 1);
    });
  }
  it('the wide fixture really is wide, the steady one narrow', async () => {
    expect((await referenceLoudness(await depthFixture('dynamicNoise'))).lra_lu).toBeGreaterThan(15);
    expect((await referenceLoudness(await depthFixture('steadyNoise'))).lra_lu).toBeLessThan(1);
  });
  it('is skipped on a video without sound', async () => {
    expect((await resultOf(await fixture('rotated'), 'audio.loudness_range')).status).toBe('skipped');
  });
});

describe('audio.phase (mono compatibility)', () => {
  const cases: Array<{ fixture: DepthFixtureName; expected: 'pass' | 'fail' }> = [
    { fixture: 'phaseNormal', expected: 'pass' },
    { fixture: 'phaseInverted', expected: 'fail' },
    { fixture: 'phaseInvertedVideo', expected: 'fail' },
    { fixture: 'steadyNoise', expected: 'pass' },
  ];
  for (const c of cases) {
    it(`${c.fixture}: ${c.expected}`, async () => {
      const path = await depthFixture(c.fixture);
      const r = await resultOf(path, 'audio.phase');
      const ref = await referenceCorrelation(path);
      console.info(`audio.phase ${c.fixture}: expected ${c.expected}, got ${r.status}, mean phase ${String(r.measured?.['mean_phase'])}; reference Pearson L/R correlation ${ref.toFixed(3)}`);
      expect(r.status).toBe(c.expected);
      // Same side of zero as the reference, and the inverted files near −1 in both.
      expect(Math.sign(r.measured?.['mean_phase'] as number)).toBe(Math.sign(ref));
      if (c.expected === 'fail') {
        expect(ref).toBeLessThan(-0.9);
        const seg = r.evidence?.find((e) => e.label === 'out of phase');
        expect(seg?.start_s).toBeLessThan(0.2);
        expect(seg?.end_s).toBeGreaterThan(3.8);
      }
    });
  }
  it('is skipped on mono sound; min_duration_s longer than the clip passes it; 5.1 runs on its front pair', async () => {
    expect((await resultOf(await fixture('toneMp3'), 'audio.phase')).status).toBe('skipped');
    expect((await resultOf(await depthFixture('phaseInverted'), 'audio.phase', { min_duration_s: 10 })).status).toBe('pass');
    // 5.1 is judged on its front left and right (here the noise sits in the centre: nothing out of phase).
    const surround = await resultOf(await fixture('surroundFlac'), 'audio.phase');
    expect(surround.status).toBe('pass');
    expect(surround.measured?.['out_of_phase_s']).toBe(0);
  });
  it('joins stretches across a one-block transient, not across two', () => {
    const blocks = [0, 0.1, 0.2, 0.3, 0.4, 0.5].map((t, i) => [t, [-1, -1, 0.5, -1, -1, -1][i]!] as [number, number]);
    expect(outOfPhase(blocks, -0.3, 0.5).segments).toEqual([{ start_s: 0, end_s: 0.6 }]);
    const split = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((t, i) => [t, [-1, -1, 0.5, 0.5, -1, -1, -1][i]!] as [number, number]);
    expect(outOfPhase(split, -0.3, 0.15).segments).toEqual([{ start_s: 0, end_s: 0.2 }, { start_s: 0.4, end_s: 0.7 }]);
  });
});
