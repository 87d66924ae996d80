import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detailsFromFfprobe } from '../../../src/analysis/av/probe.js';
import { AssetUnreadableError } from '../../../src/qc/errors.js';
import { fixture, truncatedCopy, unknownCodecAvi } from '../../fixtures/av-fixtures.js';
import { adHocProfile, builtinProfile, qc, testEnv, withTempDir } from './engine-helper.js';

const minimal = adHocProfile([{ id: 'video.codec', params: { allowed: ['h264'] } }]);

describe('probe: what the file is', () => {
  it('reads container, streams and display geometry of a clean clip', async () => {
    const report = await qc(await fixture('clean'), minimal);
    expect(report.verdict).toBe('pass');
    expect(report.asset).toMatchObject({ kind: 'video', format: 'mp4' });
    expect(report.asset.info).toMatchObject({ width: 320, height: 240, video_codec: 'h264', frame_rate: 25, audio_codec: 'aac', channels: 2, sample_rate: 48000 });
    expect(report.asset.info.duration_s).toBeCloseTo(4, 1);
    expect(report.asset.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('turns phone video upright: a 320x180 file rotated 90° is shown 180x320', async () => {
    const report = await qc(await fixture('rotated'), minimal);
    expect(report.asset.info).toMatchObject({ width: 180, height: 320, rotation: 90, has_audio: false });
  });

  it('applies the sample aspect ratio: 720x576 at 64:45 is shown 16:9', async () => {
    const report = await qc(await fixture('anamorphic'), adHocProfile([{ id: 'video.aspect_ratio', params: { allowed: ['16:9'] } }]));
    expect(report.asset.info).toMatchObject({ width: 1024, height: 576, video_codec: 'mpeg2video' });
    expect(report.checks.find((c) => c.id === 'video.aspect_ratio')?.status).toBe('pass');
  });

  it('flags variable frame rate when nominal and average rates disagree', () => {
    const d = detailsFromFfprobe(
      { format: { format_name: 'mov,mp4', duration: '10' }, streams: [{ index: 0, codec_type: 'video', codec_name: 'h264', width: 1080, height: 1920, r_frame_rate: '30/1', avg_frame_rate: '2997/125' }] },
      'video',
    );
    expect(d.video).toMatchObject({ vfr: true, display_width: 1080, display_height: 1920 });
    expect(d.video!.frame_rate).toBeCloseTo(23.976, 3);
  });
});

describe('bad media → verdict error with the reason in plain words', () => {
  it('an MP4 holding only audio, for a video profile: classified as audio by its tracks (issue 11), and the video profile fails it for having no picture', async () => {
    const report = await qc(await fixture('audioOnlyMp4'), await builtinProfile('video_general'));
    expect(report.asset.kind).toBe('audio');
    expect(report.verdict).toBe('fail');
    expect(report.checks.find((c) => c.id === 'video.codec')!.message).toMatch(/no picture, only sound/);
  });

  it('a truncated MP4 whose index was at the end', async () => {
    await withTempDir(async (dir) => {
      const path = await truncatedCopy(await fixture('clean'), dir, 'cut.mp4');
      const report = await qc(path, minimal);
      expect(report.verdict).toBe('error');
      expect(report.error).toMatch(/incomplete.*moov/);
    });
  });

  it('a truncated MP4 with its index up front (faststart): the data runs out', async () => {
    await withTempDir(async (dir) => {
      const { execFileSync } = await import('node:child_process');
      const fast = join(dir, 'fast.mp4');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', await fixture('clean'), '-c', 'copy', '-movflags', '+faststart', fast]);
      const path = await truncatedCopy(fast, dir, 'fast-cut.mp4');
      const report = await qc(path, minimal);
      expect(report.verdict).toBe('error');
      expect(report.error).toMatch(/cut off|truncated/);
    });
  });

  it('a zero-length file', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'empty.mp4');
      await writeFile(path, '');
      const report = await qc(path, minimal);
      expect(report.verdict).toBe('error');
      expect(report.error).toMatch(/empty/);
    });
  });

  it('a codec FFmpeg does not know', async () => {
    await withTempDir(async (dir) => {
      const report = await qc(await unknownCodecAvi(dir), minimal);
      expect(report.verdict).toBe('error');
      expect(report.error).toMatch(/codec FFmpeg does not know \(tag "QQZZ"\)/);
    });
  });

  it('missing ffprobe: the reason names the install step', async () => {
    const report = await qc(await fixture('clean'), minimal, testEnv({ ffprobePath: '/nonexistent/ffprobe' }));
    expect(report.verdict).toBe('error');
    expect(report.error).toMatch(/apt-get install ffmpeg/);
  });

  it('the pure parser refuses an audio-only stream list for video', () => {
    expect(() => detailsFromFfprobe({ streams: [{ codec_type: 'audio', codec_name: 'aac' }] }, 'video')).toThrow(AssetUnreadableError);
  });
});

describe('missing ffmpeg (probe fine): A/V measurement checks are skipped with the install step', () => {
  it('skips loudness and black frames', async () => {
    const profile = adHocProfile([
      { id: 'audio.loudness', params: { target_lufs: -23 } },
      { id: 'video.black_frames' },
      { id: 'video.codec', params: { allowed: ['h264'] } },
    ]);
    const report = await qc(await fixture('clean'), profile, testEnv({ ffmpegPath: '/nonexistent/ffmpeg' }));
    for (const id of ['audio.loudness', 'video.black_frames']) {
      const c = report.checks.find((x) => x.id === id)!;
      expect(c.status).toBe('skipped');
      expect(c.message).toMatch(/apt-get install ffmpeg/);
    }
    expect(report.checks.find((x) => x.id === 'video.codec')?.status).toBe('pass');
  });
});
