/**
 * The built-in video and audio profiles load, and each judges a clip: the verdict and exactly
 * which checks do not pass follow from the clip's known facts and the profile's published rules.
 *
 * clean.mp4: 320x240 (4:3), 25 fps, 4 s, H.264 + AAC stereo 48 kHz, a 1 kHz tone at about
 * -27 LUFS. loud.wav: pink noise, stereo 48 kHz, about -21 LUFS. tone.mp3: 440 Hz, mono
 * 44.1 kHz, about -34 LUFS. (test/fixtures/av-fixtures.ts makes them with ffmpeg.)
 */
import { describe, expect, it } from 'vitest';
import { GENERAL_PROFILE_FOR_KIND } from '../../../src/config/profiles.js';
import { fixture, type FixtureName } from '../../fixtures/av-fixtures.js';
import { builtinProfile, checkOf, qc } from '../../analysis/av/engine-helper.js';

interface Case {
  profile: string;
  clip: FixtureName;
  verdict: 'pass' | 'warn' | 'fail';
  /** Every check that does not pass (`id=status`) and why; the rest must pass or be skipped as listed. */
  notPassing: Record<string, string>;
}

const QUIET_FOR_WEB = 'the tone is about -27 LUFS, outside -19 ± 5 (a warning in video_general and everything that extends it)';

const CASES: Case[] = [
  { profile: 'video_general', clip: 'clean', verdict: 'warn', notPassing: { 'audio.loudness=warn': QUIET_FOR_WEB } },
  {
    profile: 'broadcast_ebu_r128',
    clip: 'clean',
    verdict: 'fail',
    notPassing: { 'audio.loudness=fail': '-27 LUFS is not -23 ± 0.5, an error in R 128' },
  },
  {
    profile: 'broadcast_ebu_r128',
    clip: 'loudWav',
    verdict: 'fail',
    notPassing: {
      'audio.loudness=fail': '-21 LUFS is too loud for -23 ± 0.5',
      'video.codec=skipped': 'an audio file has no picture',
      'video.resolution=skipped': 'an audio file has no picture',
      'video.frame_rate=skipped': 'an audio file has no picture',
      'video.black_frames=skipped': 'an audio file has no picture',
      'video.freeze_frames=skipped': 'an audio file has no picture',
      'video.flashing=skipped': 'an audio file has no picture',
    },
  },
  {
    profile: 'broadcast_atsc_a85',
    clip: 'clean',
    verdict: 'fail',
    notPassing: { 'video.frame_rate=fail': '25 fps is not a US rate (23.976, 29.97, 59.94)', 'audio.loudness=fail': '-27 LKFS is not -24 ± 2' },
  },
  {
    profile: 'meta_feed_video',
    clip: 'clean',
    verdict: 'fail',
    notPassing: { 'video.aspect_ratio=fail': '4:3 is not 1:1 or 4:5', 'video.resolution=warn': '320x240 is under 1080 (a warning here)', 'audio.loudness=warn': QUIET_FOR_WEB },
  },
  {
    profile: 'meta_reels_video',
    clip: 'clean',
    verdict: 'fail',
    notPassing: { 'video.aspect_ratio=fail': '4:3 is not 9:16', 'video.resolution=warn': '320x240 is not 1080x1920 (a warning here)', 'audio.loudness=warn': QUIET_FOR_WEB },
  },
  {
    profile: 'tiktok_video',
    clip: 'clean',
    verdict: 'fail',
    notPassing: {
      'video.aspect_ratio=fail': '4:3 is not 9:16, 1:1 or 16:9',
      'video.resolution=fail': '320x240 is under 540x540',
      'video.duration=warn': '4 s is under the 5 s minimum (severity inherited from video_general: warning)',
      'audio.loudness=warn': QUIET_FOR_WEB,
    },
  },
  {
    profile: 'youtube_video',
    clip: 'clean',
    verdict: 'warn',
    notPassing: {
      'video.aspect_ratio=warn': '4:3 is not among the shapes YouTube shows best (a warning here)',
      'video.resolution=warn': '320x240 is under 720 (a warning here)',
      'audio.loudness=warn': '-27 LUFS is far under YouTube\'s -14 ± 2 (a warning here)',
    },
  },
  { profile: 'audio_general', clip: 'toneMp3', verdict: 'warn', notPassing: { 'audio.loudness=warn': '-34 LUFS is outside -19 ± 5' } },
  { profile: 'audio_general', clip: 'loudWav', verdict: 'pass', notPassing: {} },
];

const AV_PROFILES = ['video_general', 'broadcast_ebu_r128', 'broadcast_atsc_a85', 'meta_feed_video', 'meta_reels_video', 'tiktok_video', 'youtube_video', 'audio_general'];

describe('A/V profiles', () => {
  it.each(AV_PROFILES)('%s resolves', async (id) => {
    const p = await builtinProfile(id);
    expect(p.checks.length).toBeGreaterThan(3);
  });

  it('every profile judges at least one clip below', () => {
    expect(new Set(CASES.map((c) => c.profile))).toEqual(new Set(AV_PROFILES));
  });

  it('the general profiles for video and audio exist', async () => {
    expect((await builtinProfile(GENERAL_PROFILE_FOR_KIND.video)).applies_to).toEqual(['video']);
    expect((await builtinProfile(GENERAL_PROFILE_FOR_KIND.audio)).applies_to).toEqual(['audio']);
  });

  it.each(CASES)('$profile judges $clip: $verdict', async ({ profile, clip, verdict, notPassing }) => {
    const report = await qc(await fixture(clip), await builtinProfile(profile));
    expect(report.verdict).toBe(verdict);
    const actual = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}`);
    expect(actual.sort()).toEqual(Object.keys(notPassing).sort());
    // Every check of the profile ran (nothing silently missing from the report).
    expect(report.checks.map((c) => c.id).sort()).toEqual(['file.readable', ...(await builtinProfile(profile)).checks.map((c) => c.id)].sort());
  });

  it('EBU R128 names the loudness it measured on a loud WAV', async () => {
    const report = await qc(await fixture('loudWav'), await builtinProfile('broadcast_ebu_r128'));
    expect(checkOf(report, 'audio.loudness').message).toMatch(/too loud/);
  });
});
