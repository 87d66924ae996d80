/**
 * Issue 17's video checks — video.flashing, video.letterbox, video.captions — each passing and
 * failing on generated clips through the real engine, with the reference's figure beside ours;
 * and the decode still single with them in the profile.
 */
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { depthFixture, referenceCropdetect, referencePhotosensitivity, SRT, VTT, type DepthFixtureName } from '../../fixtures/av-depth-fixtures.js';
import { adHocProfile, builtinProfile, checkOf, qc, testEnv } from '../../analysis/av/engine-helper.js';
import type { ResolvedProfile } from '../../../src/qc/types.js';

async function resultOf(name: DepthFixtureName, id: string, params: Record<string, unknown> = {}) {
  const report = await qc(await depthFixture(name), adHocProfile([{ id, params }]));
  return checkOf(report, id);
}

describe('video.flashing (BT.1702 / Ofcom: > 3 flashes a second over ≥ 25 % of the screen)', () => {
  // Fixture × expected: rate and area either side of the limits. The reference is FFmpeg's
  // photosensitivity filter, a cross-check only: it flags every one of these clips (it is
  // built to attenuate, not to judge against the guidance), so its figure is recorded, not
  // asserted against the verdict.
  const cases: Array<{ fixture: DepthFixtureName; expected: 'pass' | 'fail'; peak: number; red?: number }> = [
    { fixture: 'flash2hz', expected: 'pass', peak: 2 },
    { fixture: 'flash5hz', expected: 'fail', peak: 5 },
    { fixture: 'flash5hzSmall', expected: 'pass', peak: 0 },
    { fixture: 'flash5hzLarge', expected: 'fail', peak: 5 },
    { fixture: 'redFlash', expected: 'fail', peak: 0, red: 5 },
  ];
  for (const c of cases) {
    it(`${c.fixture}: ${c.expected}`, async () => {
      const r = await resultOf(c.fixture, 'video.flashing');
      const ref = await referencePhotosensitivity(await depthFixture(c.fixture));
      console.info(`video.flashing ${c.fixture}: expected ${c.expected}, got ${r.status} (peak ${String(r.measured?.['peak_flashes_per_s'])}/s, red ${String(r.measured?.['peak_red_flashes_per_s'])}/s); ffmpeg photosensitivity: max badness ${ref.max_badness}, ${ref.frames_attenuated}/${ref.frames} frames attenuated`);
      expect(r.status).toBe(c.expected);
      expect(r.measured?.['peak_flashes_per_s']).toBe(c.peak);
      expect(r.measured?.['peak_red_flashes_per_s']).toBe(c.red ?? 0);
      const segments = r.evidence?.filter((e) => e.start_s !== undefined && !e.series) ?? [];
      if (c.expected === 'fail') {
        // The flashing runs through the 4 s clip: one segment covering nearly all of it.
        expect(segments).toHaveLength(1);
        expect(segments[0]!.start_s).toBeLessThan(0.5);
        expect(segments[0]!.end_s).toBeGreaterThan(3.5);
        expect(r.message).toMatch(/photosensitive-epilepsy risk\): 0\.\d+ s–3\.\d+ s \((red )?flashes, up to 5 a second\)/);
      } else {
        expect(segments).toHaveLength(0);
      }
      expect(r.evidence?.find((e) => e.series)?.series?.band).toEqual({ min: 0, max: 3 });
    });
  }
  it('red: false ignores red flashes; a stricter area limit catches the 10 % stripe', async () => {
    expect((await resultOf('redFlash', 'video.flashing', { red: false })).status).toBe('pass');
    expect((await resultOf('flash5hzSmall', 'video.flashing', { min_area: 0.05 })).status).toBe('fail');
    expect((await resultOf('flash2hz', 'video.flashing', { max_flashes_per_s: 1 })).status).toBe('fail');
  });
});

describe('video.letterbox', () => {
  it('16:9 padded into 4:3 fails when bars are not allowed; the reference cropdetect agrees', async () => {
    const path = await depthFixture('letterboxed');
    const r = await resultOf('letterboxed', 'video.letterbox');
    const ref = await referenceCropdetect(path);
    console.info(`video.letterbox letterboxed: expected fail, got ${r.status} (${JSON.stringify(r.measured)}); cropdetect: crop=${ref.w}:${ref.h}:${ref.x}:${ref.y} of 320x240`);
    expect(r.status).toBe('fail');
    expect(r.measured).toMatchObject({ shape: 'letterbox', top: 0.125, bottom: 0.125, left: 0, right: 0 });
    expect(r.measured?.['active_aspect']).toBeCloseTo(16 / 9, 2);
    // The same bars as FFmpeg's own cropdetect over the whole file (30 px of 240 top and bottom).
    expect(ref).toEqual({ w: 320, h: 180, x: 0, y: 30 });
    expect(r.evidence?.[0]?.box).toEqual({ x: 0, y: 0.125, w: 1, h: 0.75 });
    expect(r.message).toMatch(/letterbox bars \(top 12.5 % and bottom 12.5 % of the height\)/);
  });
  it('passes the same file when bars are allowed, or when the active picture is the expected 16:9', async () => {
    expect((await resultOf('letterboxed', 'video.letterbox', { allow_bars: true })).status).toBe('pass');
    expect((await resultOf('letterboxed', 'video.letterbox', { expected_aspect: '16:9' })).status).toBe('pass');
    expect((await resultOf('letterboxed', 'video.letterbox', { expected_aspect: '2.39:1' })).status).toBe('fail');
  });
  it('a full frame passes; pillarbox bars are found on the sides', async () => {
    const full = await resultOf('fullFrame', 'video.letterbox');
    const ref = await referenceCropdetect(await depthFixture('fullFrame'));
    console.info(`video.letterbox fullFrame: expected pass, got ${full.status}; cropdetect: crop=${ref.w}:${ref.h}:${ref.x}:${ref.y} of 320x240`);
    expect(full.status).toBe('pass');
    expect(full.measured?.['shape']).toBe('none');
    const pillar = await resultOf('pillarboxed', 'video.letterbox');
    expect(pillar.status).toBe('fail');
    expect(pillar.measured).toMatchObject({ shape: 'pillarbox', left: 0.125, right: 0.125 });
    expect(await referenceCropdetect(await depthFixture('pillarboxed'))).toEqual({ w: 240, h: 180, x: 40, y: 0 });
  });
});

describe('video.captions', () => {
  it('an MP4 with a mov_text stream passes, one without fails', async () => {
    const withSubs = await resultOf('withCaptions', 'video.captions');
    expect(withSubs.status).toBe('pass');
    expect(withSubs.message).toMatch(/1 subtitle stream \(mov_text \(eng\)\)/);
    const none = await resultOf('noCaptions', 'video.captions');
    expect(none.status).toBe('fail');
    expect(none.message).toMatch(/no captions/);
    expect((await resultOf('noCaptions', 'video.captions', { required: false })).status).toBe('pass');
  });
  it('a sidecar .srt or .en.vtt beside the file counts; an empty one does not; sidecar: false ignores them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiqc-captions-'));
    try {
      const video = join(dir, 'spot.mp4');
      await copyFile(await depthFixture('noCaptions'), video);
      const run = async (params: Record<string, unknown> = {}) => checkOf(await qc(video, adHocProfile([{ id: 'video.captions', params }])), 'video.captions');
      await writeFile(join(dir, 'spot.srt'), 'nothing here\n');
      await writeFile(join(dir, 'other.srt'), SRT);
      const broken = await run();
      expect(broken.status).toBe('fail');
      expect(broken.message).toMatch(/spot\.srt: no cues/);
      await writeFile(join(dir, 'spot.en.vtt'), VTT);
      const ok = await run();
      expect(ok.status).toBe('pass');
      expect(ok.message).toMatch(/sidecar spot\.en\.vtt/);
      expect(ok.measured?.['sidecars']).toBe('spot.en.vtt (2 cues)');
      expect((await run({ sidecar: false })).status).toBe('fail');
      await writeFile(join(dir, 'spot.srt'), SRT);
      expect((await run()).measured?.['sidecars']).toBe('spot.en.vtt (2 cues), spot.srt (2 cues)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the decode stays single with every issue 17 check in the profile', () => {
  it('writes its branch files under a scratch path with characters the filtergraph treats specially', async () => {
    const dir = await mkdtemp(join(tmpdir(), "aiqc a:b,c'd;[x]%-"));
    try {
      const report = await qc(await depthFixture('phaseInvertedVideo'), adHocProfile([{ id: 'video.flashing' }, { id: 'video.letterbox' }, { id: 'audio.phase' }]), testEnv({ tmpDir: dir }));
      expect(report.checks.map((c) => `${c.id}=${c.status}`)).toEqual(['file.readable=pass', 'video.flashing=pass', 'video.letterbox=pass', 'audio.phase=fail']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('one picture run (-an) with the flash grid and cropdetect, one sound run (-vn) with aphasemeter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiqc-ffmpeg-count-'));
    try {
      const log = join(dir, 'calls.log');
      const wrapper = join(dir, 'ffmpeg');
      await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${testEnv().ffmpegPath} "$@"\n`);
      await chmod(wrapper, 0o755);
      const general = await builtinProfile('video_general');
      const extra = adHocProfile([{ id: 'video.flashing' }, { id: 'video.letterbox' }, { id: 'video.captions', params: { required: false } }, { id: 'audio.phase' }, { id: 'audio.loudness_range' }]);
      const profile: ResolvedProfile = { ...general, checks: [...general.checks, ...extra.checks] };
      const report = await qc(await depthFixture('phaseInvertedVideo'), profile, testEnv({ ffmpegPath: wrapper }));
      expect(report.checks.filter((c) => c.status === 'error' || c.status === 'skipped')).toEqual([]);
      expect(checkOf(report, 'audio.phase').status).toBe('fail');
      expect(checkOf(report, 'video.flashing').status).toBe('pass');
      expect(checkOf(report, 'video.letterbox').status).toBe('pass');
      const calls = (await readFile(log, 'utf8')).trim().split('\n');
      expect(calls).toHaveLength(2);
      const picture = calls.filter((c) => / -an /.test(c) && !/ -vn /.test(c));
      const sound = calls.filter((c) => / -vn /.test(c) && !/ -an /.test(c));
      expect(picture).toHaveLength(1);
      expect(sound).toHaveLength(1);
      for (const filter of ['blackdetect', 'freezedetect', 'cropdetect', 'scale=16:9', 'rawvideo']) expect(picture[0]).toContain(filter);
      for (const filter of ['ebur128', 'silencedetect', 'aphasemeter']) expect(sound[0]).toContain(filter);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
