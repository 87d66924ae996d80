/** Each video check, passing and failing, on generated clips through the real engine. */
import { describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/av-fixtures.js';
import { adHocProfile, checkOf, qc } from '../../analysis/av/engine-helper.js';

async function statusOf(name: Parameters<typeof fixture>[0], id: string, params: Record<string, unknown>) {
  const report = await qc(await fixture(name), adHocProfile([{ id, params }]));
  return checkOf(report, id);
}

describe('video.codec', () => {
  it('accepts aliases (avc = h264) and checks the profile', async () => {
    expect((await statusOf('clean', 'video.codec', { allowed: ['avc'] })).status).toBe('pass');
    const wrongProfile = await statusOf('clean', 'video.codec', { allowed: ['h264'], profiles: ['High'] });
    expect(wrongProfile.status).toBe('fail');
    expect(wrongProfile.message).toMatch(/profile Constrained Baseline is not one of High/);
  });
  it('fails a codec not allowed', async () => {
    const c = await statusOf('anamorphic', 'video.codec', { allowed: ['h264', 'hevc'] });
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/mpeg2video video is not allowed/);
  });
});

describe('video.resolution', () => {
  it('judges the displayed size of rotated video', async () => {
    expect((await statusOf('rotated', 'video.resolution', { allowed: ['180x320'] })).status).toBe('pass');
    const c = await statusOf('rotated', 'video.resolution', { allowed: ['320x180'] });
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/stored 320x180, shown turned 90°/);
  });
  it('min sizes', async () => {
    expect((await statusOf('clean', 'video.resolution', { min_width: 640 })).status).toBe('fail');
  });
});

describe('video.aspect_ratio', () => {
  it('uses the display aspect ratio, not the stored one', async () => {
    expect((await statusOf('anamorphic', 'video.aspect_ratio', { allowed: ['16:9'] })).status).toBe('pass');
    expect((await statusOf('anamorphic', 'video.aspect_ratio', { allowed: ['5:4'] })).status).toBe('fail');
    expect((await statusOf('rotated', 'video.aspect_ratio', { allowed: ['9:16'] })).status).toBe('pass');
  });
});

describe('video.frame_rate', () => {
  it('allowed rates within a tolerance', async () => {
    expect((await statusOf('clean', 'video.frame_rate', { allowed: [25] })).status).toBe('pass');
    const c = await statusOf('rotated', 'video.frame_rate', { allowed: [25, 29.97] });
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/30 fps is not one of 25, 29.97 fps/);
    expect((await statusOf('rotated', 'video.frame_rate', { allowed: [29.97], tolerance: 0.05 })).status).toBe('pass');
  });
});

describe('video.duration', () => {
  it('min/max, with a strip of frames as evidence', async () => {
    const ok = await statusOf('clean', 'video.duration', { min_s: 3, max_s: 5 });
    expect(ok.status).toBe('pass');
    expect(ok.evidence?.[0]?.image).toMatch(/^data:image\/jpeg;base64,/);
    expect((await statusOf('clean', 'video.duration', { max_s: 3 })).status).toBe('fail');
    expect((await statusOf('loudWav', 'video.duration', { min_s: 5 })).status).toBe('fail');
  });
});

describe('video.bitrate', () => {
  it('overall bit rate against max/min', async () => {
    const c = await statusOf('clean', 'video.bitrate', { max_kbps: 100 });
    expect(c.status).toBe('fail');
    expect((c.measured as { kbps: number }).kbps).toBeGreaterThan(100);
    expect((await statusOf('clean', 'video.bitrate', { min_kbps: 100, max_kbps: 20_000 })).status).toBe('pass');
  });
});

describe('video.black_frames', () => {
  it('a 1 s black stretch in the middle fails a 0.5 s limit and passes a 1.5 s one', async () => {
    const strict = await statusOf('segments', 'video.black_frames', { max_duration_s: 0.5 });
    expect(strict.status).toBe('fail');
    expect(strict.message).toMatch(/1 s–2 s \(1 s\)/);
    expect((await statusOf('segments', 'video.black_frames', { max_duration_s: 1.5 })).status).toBe('pass');
    expect((await statusOf('clean', 'video.black_frames', {})).message).toBe('no black stretches');
  });
});

describe('video.freeze_frames', () => {
  it('a 1.5 s hold fails a 1 s limit and is not seen under a 2 s one', async () => {
    expect((await statusOf('segments', 'video.freeze_frames', { max_duration_s: 1 })).status).toBe('fail');
    const lenient = await statusOf('segments', 'video.freeze_frames', { max_duration_s: 2 });
    expect(lenient.status).toBe('pass');
    expect(lenient.evidence).toBeUndefined();
  });
});
