/** Each audio check, passing and failing, on generated files through the real engine. */
import { describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/av-fixtures.js';
import { adHocProfile, checkOf, qc } from '../../analysis/av/engine-helper.js';

async function run(name: Parameters<typeof fixture>[0], id: string, params: Record<string, unknown> = {}) {
  const report = await qc(await fixture(name), adHocProfile([{ id, params }]));
  return checkOf(report, id);
}

describe('audio.present', () => {
  it('required audio on a silent video fails; optional passes', async () => {
    expect((await run('rotated', 'audio.present', { required: true })).status).toBe('fail');
    expect((await run('rotated', 'audio.present', { required: false })).status).toBe('pass');
    expect((await run('clean', 'audio.present')).status).toBe('pass');
  });
  it('checks on the audio of a video without audio are skipped, not failed', async () => {
    const c = await run('rotated', 'audio.loudness', { target_lufs: -23 });
    expect(c.status).toBe('skipped');
    expect(c.message).toMatch(/no audio track/);
  });
});

describe('audio.loudness', () => {
  it('fails outside target ± tolerance, with the short-term curve and target band as evidence', async () => {
    const c = await run('loudWav', 'audio.loudness', { target_lufs: -23, tolerance_lu: 1 });
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/too loud/);
    const series = c.evidence?.[0]?.series;
    expect(series?.band).toEqual({ min: -24, max: -22 });
    expect(series?.points.length).toBeGreaterThan(5);
    for (const [t, lufs] of series!.points) {
      expect(t).toBeGreaterThan(0);
      expect(lufs).toBeGreaterThanOrEqual(-70);
    }
  });
  it('passes when on target; a short-term ceiling can still fail it', async () => {
    const measured = (await run('loudWav', 'audio.loudness', { target_lufs: -20, tolerance_lu: 5 })).measured as { integrated_lufs: number; max_short_term_lufs: number };
    expect((await run('loudWav', 'audio.loudness', { target_lufs: Math.round(measured.integrated_lufs), tolerance_lu: 1 })).status).toBe('pass');
    const ceiling = await run('loudWav', 'audio.loudness', { target_lufs: Math.round(measured.integrated_lufs), tolerance_lu: 1, max_short_term_lufs: measured.max_short_term_lufs - 1 });
    expect(ceiling.status).toBe('fail');
    expect(ceiling.message).toMatch(/loudest 3 s/);
  });
});

describe('audio.true_peak', () => {
  it('against max_dbtp', async () => {
    expect((await run('loudWav', 'audio.true_peak', { max_dbtp: -20 })).status).toBe('fail');
    expect((await run('loudWav', 'audio.true_peak', { max_dbtp: -1 })).status).toBe('pass');
  });
});

describe('audio.silence', () => {
  it('a 1.5 s silent head passes a 2 s start allowance and fails a 1 s one', async () => {
    expect((await run('surroundFlac', 'audio.silence', { max_duration_s: 1, allow_at_start_s: 2 })).status).toBe('pass');
    const c = await run('surroundFlac', 'audio.silence', { max_duration_s: 1, allow_at_start_s: 1 });
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/at the start/);
    expect(c.evidence?.[0]).toMatchObject({ start_s: 0, end_s: 1.5 });
  });
});

describe('audio.channels and audio.sample_rate', () => {
  it('by name or count', async () => {
    expect((await run('surroundFlac', 'audio.channels', { allowed: ['5.1'] })).status).toBe('pass');
    expect((await run('surroundFlac', 'audio.channels', { allowed: ['stereo'] })).status).toBe('fail');
    expect((await run('toneMp3', 'audio.channels', { allowed: [1] })).status).toBe('pass');
  });
  it('sample rate', async () => {
    expect((await run('toneMp3', 'audio.sample_rate', { allowed: [48000] })).status).toBe('fail');
    expect((await run('noiseM4a', 'audio.sample_rate', { allowed: [48000] })).status).toBe('pass');
  });
});
