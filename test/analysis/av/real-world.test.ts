/**
 * Audio/video classes that were wrong on real files (issue 11). Real files from
 * test/fixtures/real-world/ (source and licence in its README, cross-checked with ffprobe);
 * the silent and Ogg clips are made here with FFmpeg's own generators.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { explainFailure } from '../../../src/analysis/av/reasons.js';
import { adHocProfile, builtinProfile, checkOf, qc, withTempDir } from './engine-helper.js';

const real = (name: string) => fileURLToPath(new URL(`../../fixtures/real-world/${name}`, import.meta.url));
const ffmpeg = (args: string[]) => promisify(execFile)('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args]);

describe('real audio and video files', () => {
  it('a one-frame WebM has no frame rate, not 1000 fps (mathiasbynens/small webm.webm; ffprobe: r_frame_rate 1000/1, avg 0/0)', async () => {
    const report = await qc(real('small-webm.webm'), adHocProfile([{ id: 'video.frame_rate', params: { min: 24 } }]));
    expect(report.asset.info).toMatchObject({ frame_rate: 0 });
    expect(checkOf(report, 'video.frame_rate').message).toMatch(/records no frame rate/);
  });

  it('a 44-byte WAV (a header, no samples) is an error, not a 0-second warning (mathiasbynens/small wav.wav)', async () => {
    const report = await qc(real('small-wav.wav'), adHocProfile([{ id: 'video.duration', params: { min_s: 1 } }]));
    expect(report.verdict).toBe('error');
    expect(report.error).toMatch(/holds no sound: it has an audio header but no samples/);
  });

  it('digital silence is "silent", not −200 dBTP or "too quiet by 51 LU"', async () => {
    await withTempDir(async (dir) => {
      const silent = join(dir, 'silent.wav');
      await ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '3', silent]);
      const report = await qc(silent, adHocProfile([{ id: 'audio.loudness', params: { target_lufs: -23, tolerance_lu: 1 } }, { id: 'audio.true_peak', params: { max_dbtp: -1 } }]));
      expect(checkOf(report, 'audio.loudness').message).toMatch(/^the audio is silent/);
      expect(checkOf(report, 'audio.loudness').message).not.toMatch(/too quiet/);
      expect(checkOf(report, 'audio.true_peak')).toMatchObject({ status: 'pass', message: expect.stringMatching(/^the audio is silent/) });
    });
  });

  it('an Ogg Vorbis file passes file.format when the profile allows ogg', async () => {
    await withTempDir(async (dir) => {
      const ogg = join(dir, 'tone.ogg');
      await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'libvorbis', ogg]);
      const report = await qc(ogg, adHocProfile([{ id: 'file.format', params: { allowed: ['wav', 'ogg'] } }]));
      expect(checkOf(report, 'file.format'), checkOf(report, 'file.format').message).toMatchObject({ status: 'pass' });
    });
  });

  it('a WebM whose container records no duration is measured by reading its packets', async () => {
    await withTempDir(async (dir) => {
      // Matroska written to a pipe cannot seek back to write its duration, as a live recorder's.
      const webm = join(dir, 'live.webm');
      await promisify(execFile)('sh', ['-c', `ffmpeg -hide_banner -v error -f lavfi -i testsrc=size=320x240:rate=25:duration=4.92 -c:v libvpx -b:v 200k -f webm - > "${webm}"`]);
      const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', webm]);
      expect(stdout.trim()).toBe('N/A');
      const report = await qc(webm, adHocProfile([{ id: 'video.duration', params: { min_s: 4 } }]));
      expect(checkOf(report, 'video.duration').status).toBe('pass');
      expect(report.asset.info['duration_s']).toBeCloseTo(4.88, 1);
    });
  });

  it('a sound-only MP4 is audio, classified by its tracks: audio_general checks it (mathiasbynens/small mp4-with-audio.mp4; ffprobe: one aac stream)', async () => {
    const report = await qc(real('small-mp4-with-audio.mp4'), await builtinProfile('audio_general'));
    expect(report.verdict, report.error).not.toBe('error');
    expect(report.asset).toMatchObject({ kind: 'audio', format: 'mp4' });
    expect(report.asset.info).toMatchObject({ audio_codec: 'aac' });
  });

  it('a sound-only WebM is audio; a WebM with picture and sound stays video', async () => {
    await withTempDir(async (dir) => {
      const sound = join(dir, 'sound.webm');
      const both = join(dir, 'both.webm');
      await ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'libopus', sound]);
      await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'libvpx', '-c:a', 'libopus', both]);
      const profile = adHocProfile([{ id: 'audio.present' }]);
      expect((await qc(sound, profile)).asset.kind).toBe('audio');
      expect((await qc(both, profile)).asset.kind).toBe('video');
    });
  });

  it('"Error marking filters as finished" reaches people as a cause and a fix', () => {
    const said = explainFailure('[vist#0:0/vp9 @ 0x55d] Error marking filters as finished\nConversion failed!');
    expect(said).toMatch(/^FFmpeg could not decode the file to its end .* export it again/);
  });
});
