// An MP3 states its length in a Xing/Info/VBRI tag (src/analysis/av/mp3-header.ts); with one, a
// copy cut short is caught by the tail rule, without one the rule stays out (FFmpeg's duration
// is an estimate then, far off for VBR).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasLengthTag, id3v2Length } from '../../../src/analysis/av/mp3-header.js';
import { fixture, truncatedCopy } from '../../fixtures/av-fixtures.js';
import { adHocProfile, qc, withTempDir } from './engine-helper.js';

const anyCodec = adHocProfile([{ id: 'file.readable', params: {} }]);

describe('MP3 length tags (pure)', () => {
  it('an ID3v2 tag is skipped by its syncsafe size, footer included', () => {
    const tag = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0x00, 0x00, 0x00, 0x02, 0x01]); // 257 bytes of body
    expect(id3v2Length(tag)).toBe(10 + 257);
    tag[5] = 0x10; // footer present
    expect(id3v2Length(tag)).toBe(10 + 257 + 10);
    expect(id3v2Length(Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0]))).toBe(0);
  });

  it('finds Xing, Info and VBRI in the first Layer III frame, after padding; not in a frame without one', () => {
    const frame = (tag: string, at: number) => {
      const f = Buffer.alloc(200);
      f.set([0xff, 0xfb, 0x90, 0x64]);
      if (tag) f.write(tag, at, 'latin1');
      return f;
    };
    expect(hasLengthTag(frame('Xing', 36))).toBe(true);
    expect(hasLengthTag(frame('Info', 21))).toBe(true);
    expect(hasLengthTag(frame('VBRI', 36))).toBe(true);
    expect(hasLengthTag(Buffer.concat([Buffer.alloc(300), frame('Info', 36)]))).toBe(true);
    expect(hasLengthTag(frame('', 0))).toBe(false);
    expect(hasLengthTag(Buffer.alloc(100))).toBe(false);
  });
});

describe('cut-off MP3 through the engine', () => {
  it("LAME's MP3 (with its Info tag and FFmpeg's ID3v2) cut at 60 % is unreadable; whole it passes", async () => {
    await withTempDir(async (dir) => {
      const whole = await fixture('toneMp3');
      expect(id3v2Length(readFileSync(whole))).toBeGreaterThan(0);
      expect((await qc(whole, anyCodec)).verdict).toBe('pass');
      const report = await qc(await truncatedCopy(whole, dir, 'cut.mp3', 0.6), anyCodec);
      expect(report.verdict).toBe('error');
      expect(report.error).toMatch(/^cut\.mp3: the file is cut off: it declares 4\.0\d s but its data ends at 2\.\d\d s/);
    });
  });

  it('an MP3 without a length tag gets no cut-off verdict, whole or cut (nothing declared to compare)', async () => {
    await withTempDir(async (dir) => {
      const bare = join(dir, 'bare.mp3');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', await fixture('toneMp3'), '-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', bare]);
      expect((await qc(bare, anyCodec)).verdict).toBe('pass');
      expect((await qc(await truncatedCopy(bare, dir, 'bare-cut.mp3', 0.6), anyCodec)).verdict).toBe('pass');
    });
  });
});
