/** The built-in video and audio profiles load, and each judges a clean clip sensibly. */
import { describe, expect, it } from 'vitest';
import { GENERAL_PROFILE_FOR_KIND } from '../../../src/config/profiles.js';
import { fixture } from '../../fixtures/av-fixtures.js';
import { builtinProfile, checkOf, qc } from '../../analysis/av/engine-helper.js';

const AV_PROFILES = ['video_general', 'broadcast_ebu_r128', 'broadcast_atsc_a85', 'meta_feed_video', 'meta_reels_video', 'tiktok_video', 'youtube_video', 'audio_general'];

describe('A/V profiles', () => {
  it.each(AV_PROFILES)('%s resolves', async (id) => {
    const p = await builtinProfile(id);
    expect(p.checks.length).toBeGreaterThan(3);
  });

  it('the general profiles for video and audio exist', async () => {
    expect((await builtinProfile(GENERAL_PROFILE_FOR_KIND.video)).applies_to).toEqual(['video']);
    expect((await builtinProfile(GENERAL_PROFILE_FOR_KIND.audio)).applies_to).toEqual(['audio']);
  });

  it('EBU R128 fails a loud WAV on loudness and skips the video checks for audio', async () => {
    const report = await qc(await fixture('loudWav'), await builtinProfile('broadcast_ebu_r128'));
    expect(checkOf(report, 'audio.loudness').status).toBe('fail');
    expect(checkOf(report, 'video.codec').status).toBe('skipped');
    expect(report.verdict).toBe('fail');
  });

  it('Reels rejects a landscape clip for its shape', async () => {
    const report = await qc(await fixture('clean'), await builtinProfile('meta_reels_video'));
    expect(checkOf(report, 'video.aspect_ratio').status).toBe('fail');
  });
});
