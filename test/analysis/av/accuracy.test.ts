/**
 * Accuracy on generated fixtures: loudness against a plain `ffmpeg … ebur128=peak=true`
 * run on the same file (±0.1 LU / dB), and segment boundaries against where the generator
 * put them (±1 frame).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, referenceLoudness, SEGMENTS, type FixtureName } from '../../fixtures/av-fixtures.js';
import { adHocProfile, checkOf, qc } from './engine-helper.js';

// One frame, plus float noise (2.96 - 3 is 0.040000000000000036).
const FRAME = 1 / SEGMENTS.fps + 1e-9;

describe('loudness matches a reference ebur128 run', () => {
  const files: FixtureName[] = ['clean', 'segments', 'loudWav', 'toneMp3', 'noiseM4a', 'surroundFlac'];
  const profile = adHocProfile([
    { id: 'audio.loudness', params: { target_lufs: -23, tolerance_lu: 1 } },
    { id: 'audio.true_peak', params: { max_dbtp: -1 } },
  ]);
  it.each(files)('%s: integrated within 0.1 LU, true peak within 0.1 dB', async (name) => {
    const path = await fixture(name);
    const [report, ref] = await Promise.all([qc(path, profile), referenceLoudness(path)]);
    const loud = checkOf(report, 'audio.loudness').measured as { integrated_lufs: number; lra_lu: number };
    const peak = checkOf(report, 'audio.true_peak').measured as { true_peak_dbtp: number };
    // The reference prints one decimal, so a perfect match can differ by up to 0.05.
    expect(Math.abs(loud.integrated_lufs - ref.integrated_lufs)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(loud.lra_lu - ref.lra_lu)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(peak.true_peak_dbtp - ref.true_peak_dbtp)).toBeLessThanOrEqual(0.1);
  });
});

describe('segment boundaries are where the generator put them', () => {
  let report: Awaited<ReturnType<typeof qc>>;
  beforeAll(async () => {
    const profile = adHocProfile([
      { id: 'video.black_frames', params: { max_duration_s: 0.2, allow_at_start_s: 0.2, allow_at_end_s: 0.2 } },
      { id: 'video.freeze_frames', params: { max_duration_s: 1 } },
      { id: 'audio.silence', params: { max_duration_s: 0.5, threshold_db: -60, allow_at_start_s: 0.2, allow_at_end_s: 0.2 } },
    ]);
    report = await qc(await fixture('segments'), profile);
  });

  const only = (id: string) => {
    const ev = checkOf(report, id).evidence ?? [];
    expect(ev).toHaveLength(1);
    return ev[0]!;
  };

  it('black 1–2 s within one frame', () => {
    const seg = only('video.black_frames');
    expect(Math.abs(seg.start_s! - SEGMENTS.black.start_s)).toBeLessThanOrEqual(FRAME);
    expect(Math.abs(seg.end_s! - SEGMENTS.black.end_s)).toBeLessThanOrEqual(FRAME);
    expect(checkOf(report, 'video.black_frames').status).toBe('fail');
  });

  it('freeze 3–4.5 s within one frame, and the black stretch is not also a freeze', () => {
    const seg = only('video.freeze_frames');
    expect(Math.abs(seg.start_s! - SEGMENTS.freeze.start_s)).toBeLessThanOrEqual(FRAME);
    expect(Math.abs(seg.end_s! - SEGMENTS.freeze.end_s)).toBeLessThanOrEqual(FRAME);
    expect(checkOf(report, 'video.freeze_frames').status).toBe('fail');
  });

  it('silence 2–3 s within one frame', () => {
    const seg = only('audio.silence');
    expect(Math.abs(seg.start_s! - SEGMENTS.silence.start_s)).toBeLessThanOrEqual(FRAME);
    expect(Math.abs(seg.end_s! - SEGMENTS.silence.end_s)).toBeLessThanOrEqual(FRAME);
    expect(checkOf(report, 'audio.silence').status).toBe('fail');
  });

  it('black and freeze segments carry a JPEG still', () => {
    for (const id of ['video.black_frames', 'video.freeze_frames']) {
      expect(only(id).image).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    }
  });
});
