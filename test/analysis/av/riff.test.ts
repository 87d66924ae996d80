// The RIFF length rule (src/analysis/av/riff.ts) on headers built byte by byte, and through the
// engine on WAV and AVI files that FFmpeg itself reads as complete, shorter files when cut.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { riffCutOffMessage, riffShortfall } from '../../../src/analysis/av/riff.js';
import { fixture, truncatedCopy } from '../../fixtures/av-fixtures.js';
import { adHocProfile, qc, withTempDir } from './engine-helper.js';

function header(magic: string, size: number, form = 'WAVE'): Uint8Array {
  const head = Buffer.alloc(12);
  head.write(magic, 0, 'latin1');
  head.writeUInt32LE(size, 4);
  head.write(form, 8, 'latin1');
  return head;
}

describe('riffShortfall (pure)', () => {
  it('a file shorter than its header declares is cut off', () => {
    expect(riffShortfall(header('RIFF', 1_000_000 - 8), 600_000)).toEqual({ declared: 1_000_000, present: 600_000 });
    expect(riffShortfall(header('RIFF', 1_000_000 - 8, 'AVI '), 600_000)).toEqual({ declared: 1_000_000, present: 600_000 });
  });

  it('as long as declared, longer, or short by what a rounding writer leaves: not cut off', () => {
    expect(riffShortfall(header('RIFF', 1_000_000 - 8), 1_000_000)).toBeUndefined();
    expect(riffShortfall(header('RIFF', 1_000_000 - 8), 3_000_000)).toBeUndefined(); // OpenDML AVI, a WAV past 4 GB
    expect(riffShortfall(header('RIFF', 1_000_000), 1_000_000)).toBeUndefined(); // size written without the -8
    expect(riffShortfall(header('RIFF', 100_000_000 - 8), 99_500_000)).toBeUndefined(); // 0.5 %
  });

  it('placeholder sizes from writers that could not seek back, RF64, and anything not RIFF: no verdict', () => {
    for (const size of [0, 0xffff_ffff, 0x7fff_ffff]) expect(riffShortfall(header('RIFF', size), 1000)).toBeUndefined();
    expect(riffShortfall(header('RF64', 0xffff_ffff), 1000)).toBeUndefined();
    expect(riffShortfall(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00'), 10)).toBeUndefined();
    expect(riffShortfall(Buffer.from('RIFF'), 10)).toBeUndefined();
  });

  it('says what is missing in numbers a person can check', () => {
    expect(riffCutOffMessage({ declared: 768_044, present: 460_826 })).toBe(
      'the file is cut off: its header declares 768 kB but only 461 kB (60 %) is there (truncated export or upload) — export or upload it again',
    );
  });
});

const anyCodec = adHocProfile([{ id: 'file.readable', params: {} }]);

describe('cut-off WAV and AVI through the engine', () => {
  it('a WAV cut at 60 %, which ffprobe reads as a shorter whole, is unreadable with the reason', async () => {
    await withTempDir(async (dir) => {
      const whole = await qc(await fixture('loudWav'), anyCodec);
      expect(whole.verdict).toBe('pass');
      const report = await qc(await truncatedCopy(await fixture('loudWav'), dir, 'cut.wav', 0.6), anyCodec);
      expect(report.verdict).toBe('error');
      expect(report.error).toMatch(/^cut\.wav: the file is cut off: its header declares 768 kB but only 461 kB \(60 %\) is there/);
    });
  });

  it('an AVI cut at 60 % is unreadable; a WAV written to a pipe (size left unknown) still passes', async () => {
    await withTempDir(async (dir) => {
      const avi = join(dir, 'clip.avi');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', await fixture('clean'), '-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'pcm_s16le', avi]);
      expect((await qc(avi, anyCodec)).verdict).toBe('pass');
      const cut = await qc(await truncatedCopy(avi, dir, 'cut.avi', 0.6), anyCodec);
      expect(cut.verdict).toBe('error');
      expect(cut.error).toMatch(/^cut\.avi: the file is cut off: its header declares .* \(60 %\) is there/);

      const piped = join(dir, 'piped.wav');
      writeFileSync(piped, execFileSync('ffmpeg', ['-v', 'error', '-i', await fixture('loudWav'), '-c:a', 'pcm_s16le', '-f', 'wav', 'pipe:1'], { maxBuffer: 16 * 1024 * 1024 }));
      const report = await qc(piped, anyCodec);
      expect(report.verdict).toBe('pass');
      expect(report.asset.info.duration_s).toBeCloseTo(4, 1);
    });
  });

  it('an RF64 WAV (EBU Tech 3306: 64-bit sizes, broadcast masters past 4 GB) is audio and checked', async () => {
    await withTempDir(async (dir) => {
      const rf64 = join(dir, 'master.wav');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', await fixture('loudWav'), '-c:a', 'pcm_s24le', '-rf64', 'always', rf64]);
      const report = await qc(rf64, anyCodec);
      expect(report.asset).toMatchObject({ kind: 'audio', format: 'wav' });
      expect(report.verdict).toBe('pass');
      expect(report.asset.info.duration_s).toBeCloseTo(4, 1);
    });
  });
});
