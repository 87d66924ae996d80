import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { avPass, escapeFilterValue, loudnessFromFrames, parseMetadataPrint, passArgs, PASS_CONTRIBUTORS, planPass, segmentsFromFrames, type PassContributor } from '../../../src/analysis/av/pass.js';
import { scaleTo } from '../../../src/analysis/av/graph.js';
import type { AvDetails } from '../../../src/analysis/av/probe.js';
import { subtractSegments } from '../../../src/analysis/av/segments.js';
import { AnalysisStore } from '../../../src/qc/analyses.js';
import { sniffFile } from '../../../src/qc/sniff.js';
import { fixture } from '../../fixtures/av-fixtures.js';
import { adHocProfile, builtinProfile, checkOf, qc, testEnv } from './engine-helper.js';

const details: AvDetails = {
  container: 'mov,mp4',
  duration_s: 10,
  video_stream_count: 1,
  audio_stream_count: 1,
  video: { index: 0, codec: 'h264', width: 1920, height: 1080, display_width: 1920, display_height: 1080, sample_aspect_ratio: 1, display_aspect_ratio: 16 / 9, rotation: 0, frame_rate: 25, vfr: false },
  audio: { index: 1, codec: 'aac', channels: 2, sample_rate: 48000 },
};

describe('scaleTo: the shared small copy', () => {
  const withVideo = (v: Partial<NonNullable<AvDetails['video']>>): AvDetails => ({ ...details, video: { ...details.video!, ...v } });
  it('halves the lines with field=top while the picture stays at least as tall as the copy, then scales', () => {
    expect(scaleTo(details, 480)).toBe('field=top,field=top,scale=480:270:flags=fast_bilinear,setsar=1');
    expect(scaleTo(withVideo({ width: 1280, height: 720, display_width: 1280, display_height: 720 }), 480)).toBe('field=top,scale=480:270:flags=fast_bilinear,setsar=1');
    expect(scaleTo(withVideo({ width: 3840, height: 2160, display_width: 3840, display_height: 2160 }), 480)).toBe('field=top,field=top,field=top,scale=480:270:flags=fast_bilinear,setsar=1');
  });
  it('counts the lines of the upright picture: a sideways 1920x1080 phone video arrives 1920 lines tall', () => {
    const phone = withVideo({ rotation: 90, display_width: 1080, display_height: 1920, display_aspect_ratio: 1080 / 1920 });
    // 480 wide at 9:16 is 854 tall: 1920 lines halve once (960), not twice (480 < 854).
    expect(scaleTo(phone, 480)).toBe('field=top,scale=480:854:flags=fast_bilinear,setsar=1');
  });
  it('leaves a picture no taller than twice the copy to the scaler alone, and never resamples a small one', () => {
    expect(scaleTo(withVideo({ width: 640, height: 480, display_width: 640, display_height: 480, display_aspect_ratio: 4 / 3 }), 480)).toBe('scale=480:360:flags=fast_bilinear,setsar=1');
    expect(scaleTo(withVideo({ width: 320, height: 180, display_width: 320, display_height: 180 }), 480)).toBe('scale=320:180:flags=fast_bilinear,setsar=1');
  });
});

describe('planPass: one filtergraph with exactly what was asked', () => {
  it('nothing asked → nothing run', () => {
    expect(planPass([], details, '/tmp/x')).toBeUndefined();
  });

  it('loudness only → ebur128 on the audio stream, no video decoding', () => {
    const plan = planPass([{ measure: 'loudness' }, { measure: 'loudness' }], details, '/tmp/x')!;
    expect(plan.filtergraph).toMatch(/^\[0:1\]ebur128=peak=true:metadata=1,ametadata=mode=print:file=/);
    expect(plan.filtergraph).not.toMatch(/\[0:0\]/);
    expect(plan.runs.map((r) => r.stream)).toEqual(['audio']);
  });

  it('everything → one picture graph (detectors on a 480-wide copy) and one sound graph (asplit for loudness and silence)', () => {
    const plan = planPass(
      [{ measure: 'loudness' }, { measure: 'silence', threshold_db: -60, min_duration_s: 1 }, { measure: 'black', min_duration_s: 0.5 }, { measure: 'freeze', min_duration_s: 2 }],
      details,
      '/tmp/x',
    )!;
    expect(plan.filtergraph).toContain('asplit=2');
    expect(plan.filtergraph).toContain('silencedetect=noise=-60dB:duration=1');
    // One consumer of the small copy: a plain link, no split.
    expect(plan.filtergraph).toContain('[0:0]field=top,field=top,scale=480:270:flags=fast_bilinear,setsar=1[small];[small]blackdetect=d=0.5,freezedetect=d=2');
    expect(plan.filtergraph).not.toMatch(/(^|[^a])split/);
    const [audio, video] = plan.runs;
    expect(plan.runs).toHaveLength(2);
    expect(audio).toMatchObject({ stream: 'audio', outputs: ['a0', 'a1'], ownOutputs: [] });
    expect(audio!.filtergraph).not.toMatch(/\[0:0\]/);
    expect(video).toMatchObject({ stream: 'video', outputs: ['v0'], ownOutputs: [] });
    expect(video!.filtergraph).not.toMatch(/\[0:1\]/);
  });

  it('detectors and samples share one scaled copy; the samples go to JPEG files, the rest to the null muxer', () => {
    const plan = planPass([{ measure: 'black', min_duration_s: 0.5 }, { measure: 'frames' }], details, '/tmp/x')!;
    const [video] = plan.runs;
    expect(video!.filtergraph).toMatch(/^\[0:0\]field=top,field=top,scale=480:270:flags=fast_bilinear,setsar=1\[small\];\[small\]split=2\[sm0\]\[sm1\];/);
    expect(video!.filtergraph).toContain('[sm0]blackdetect=d=0.5,metadata=mode=print');
    expect(video!.filtergraph).toMatch(/\[sm1\]select=eq\(n\\,0\)\+gt\(floor\(t\/0\.5\)[^;]*\[v1\]$/);
    expect(video).toMatchObject({ outputs: ['v0'], ownOutputs: [{ label: 'v1' }] });
    const args = passArgs(video!, '/a.mp4');
    // One filter thread: slice threads on the small copy only competed with the decoder (pass.ts).
    expect(args.slice(0, 6)).toEqual(['-hide_banner', '-nostdin', '-v', 'error', '-filter_complex_threads', '1']);
    expect(args.join(' ')).toMatch(/-map \[v0\] -f null - -map \[v1\] -fps_mode passthrough .* -f image2 -start_number 0 \/tmp\/x\/sample_%d\.jpg$/);
  });

  it('frames alone → the small copy is sampled into JPEGs, timed through metadata; no null output', () => {
    const plan = planPass([{ measure: 'frames' }], details, '/tmp/x')!;
    expect(plan.filtergraph).toMatch(/^\[0:0\]field=top,field=top,scale=480:270[^;]*\[small\];\[small\]select=/);
    expect(plan.runs[0]!.ownOutputs[0]!.args.at(-1)).toBe('/tmp/x/sample_%d.jpg');
    expect(plan.runs[0]!.outputs).toEqual([]);
    expect(plan.filtergraph).not.toContain('blackdetect');
  });

  it('a contributor added to the list gets its branches wired in (full picture, small copy, sound)', () => {
    const extra: PassContributor = () => ({ branches: [{ from: 'small', filters: 'signalstats' }, { from: 'sound', filters: 'astats' }, { from: 'picture', filters: 'cropdetect' }], collect: async () => undefined });
    const plan = planPass([{ measure: 'black', min_duration_s: 1 }, { measure: 'loudness' }], details, '/tmp/x', [...PASS_CONTRIBUTORS, extra])!;
    expect(plan.contributions).toHaveLength(3);
    expect(plan.runs[0]!.filtergraph).toMatch(/^\[0:1\]asplit=2\[ain0\]\[ain1\];\[ain0\]ebur128=.*;\[ain1\]astats\[a1\]$/);
    expect(plan.runs[1]!.filtergraph).toMatch(/^\[0:0\]split=2\[pic0\]\[pic1\];\[pic1\]field=top,field=top,scale=480:270[^;]*\[small\];\[small\]split=2\[sm0\]\[sm1\];\[sm0\]blackdetect=d=1,[^;]*\[v0\];\[sm1\]signalstats\[v1\];\[pic0\]cropdetect\[v2\]$/);
  });

  it('a freeze request alone still detects black, to reconcile the two', () => {
    const plan = planPass([{ measure: 'freeze', min_duration_s: 2 }], details, '/tmp/x')!;
    expect(plan.filtergraph).toContain('blackdetect=d=2,freezedetect=d=2');
  });

  it('escapes option values for the filtergraph (two levels)', () => {
    expect(escapeFilterValue('/tmp/a:b,c')).toBe('/tmp/a\\\\:b\\,c');
  });
});

describe('reading structured metadata', () => {
  const text = [
    'frame:0    pts:0       pts_time:0',
    'lavfi.black_start=0',
    'frame:25   pts:12800   pts_time:1',
    'lavfi.black_end=1',
    'frame:80   pts:40960   pts_time:3.2',
    'lavfi.black_start=3.2',
    '',
  ].join('\n');

  it('parses frames and closes a segment still open at the end', () => {
    const frames = parseMetadataPrint(text);
    expect(frames).toHaveLength(3);
    expect(segmentsFromFrames(frames, 'lavfi.black_start', 'lavfi.black_end', 4)).toEqual([
      { start_s: 0, end_s: 1 },
      { start_s: 3.2, end_s: 4 },
    ]);
  });

  it('takes integrated loudness and true peak from the last frame, maxima over all', () => {
    const frames = parseMetadataPrint(
      [
        'frame:0 pts:0 pts_time:0', 'lavfi.r128.M=-120.691', 'lavfi.r128.S=-120.691', 'lavfi.r128.I=-70.000', 'lavfi.r128.LRA=0.000', 'lavfi.r128.true_peaks_ch0=0.100', 'lavfi.r128.true_peak=0.100',
        'frame:1 pts:4800 pts_time:3', 'lavfi.r128.M=-20.5', 'lavfi.r128.S=-22.0', 'lavfi.r128.I=-23.100', 'lavfi.r128.LRA=1.500', 'lavfi.r128.true_peaks_ch0=0.500', 'lavfi.r128.true_peak=0.500',
        'frame:2 pts:9600 pts_time:3.1', 'lavfi.r128.M=-25', 'lavfi.r128.S=-21.0', 'lavfi.r128.I=-22.900', 'lavfi.r128.LRA=1.600', 'lavfi.r128.true_peaks_ch0=0.500', 'lavfi.r128.true_peak=0.500',
      ].join('\n'),
    );
    const l = loudnessFromFrames(frames)!;
    expect(l).toMatchObject({ integrated_lufs: -22.9, lra_lu: 1.6, max_momentary_lufs: -20.5, max_short_term_lufs: -21, true_peak_dbtp: -6.02, true_peak_at_s: 3 });
    // No point before the first measurable 3 s window.
    expect(l.short_term).toEqual([[3.1, -22], [3.2, -21]]);
  });

  it('subtracts black from freeze and drops slivers', () => {
    expect(subtractSegments([{ start_s: 0, end_s: 5 }], [{ start_s: 1, end_s: 4.9 }], 0.5)).toEqual([{ start_s: 0, end_s: 1 }]);
  });
});

describe('the pass itself', () => {
  // The guarantee: the picture is decoded by exactly one ffmpeg run per asset, which makes
  // every picture measurement, still, strip and the thumbnail; the sound by at most one
  // audio-only run beside it (-vn: the picture's packets are dropped, not decoded). No other
  // ffmpeg starts.
  it('video_general decodes the picture once per asset (one -an run: every picture measurement, still, strip and the thumbnail) and the sound once (one -vn run)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiqc-ffmpeg-count-'));
    try {
      // A real ffmpeg behind a wrapper that logs each start.
      const log = join(dir, 'calls.log');
      const wrapper = join(dir, 'ffmpeg');
      await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${testEnv().ffmpegPath} "$@"\n`);
      await chmod(wrapper, 0o755);
      const report = await qc(await fixture('segments'), await builtinProfile('video_general'), testEnv({ ffmpegPath: wrapper }));
      expect(report.checks.filter((c) => c.status === 'error' || c.status === 'skipped')).toEqual([]);
      expect(report.asset.thumbnail).toBeDefined();
      const calls = (await readFile(log, 'utf8')).trim().split('\n');
      expect(calls).toHaveLength(2);
      const picture = calls.filter((c) => / -an /.test(c) && !/ -vn /.test(c));
      const sound = calls.filter((c) => / -vn /.test(c) && !/ -an /.test(c));
      expect(picture).toHaveLength(1);
      expect(sound).toHaveLength(1);
      for (const filter of ['blackdetect', 'freezedetect', 'select']) expect(picture[0]).toContain(filter);
      for (const filter of ['ebur128', 'silencedetect']) expect(sound[0]).toContain(filter);
      expect(sound[0]).not.toMatch(/\[0:0\]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts as soon as the one ffprobe answers: streams, format and the end-of-file read in a single run, never a second ffprobe', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiqc-overlap-'));
    try {
      // Real tools behind wrappers that log start and end.
      const log = join(dir, 'calls.log');
      const wrap = async (name: string, real: string) => {
        const path = join(dir, name);
        await writeFile(path, `#!/bin/sh\necho "start ${name} $*" >> '${log}'\n${real} "$@"\nrc=$?\necho "end ${name} $*" >> '${log}'\nexit $rc\n`);
        await chmod(path, 0o755);
        return path;
      };
      const env = testEnv({ ffmpegPath: await wrap('ffmpeg', testEnv().ffmpegPath), ffprobePath: await wrap('ffprobe', testEnv().ffprobePath) });
      const report = await qc(await fixture('segments'), adHocProfile([{ id: 'video.black_frames' }]), env);
      expect(checkOf(report, 'file.readable').status).toBe('pass');
      expect(checkOf(report, 'video.black_frames').status).toBe('fail');
      const lines = (await readFile(log, 'utf8')).trim().split('\n');
      const probes = lines.filter((l) => l.startsWith('start ffprobe'));
      expect(probes).toHaveLength(1);
      expect(probes[0]).toContain('-show_streams');
      expect(probes[0]).toContain('-read_intervals');
      const probeEnd = lines.findIndex((l) => l.startsWith('end ffprobe'));
      const passStart = lines.findIndex((l) => l.startsWith('start ffmpeg') && l.includes('blackdetect'));
      expect(passStart).toBeGreaterThan(probeEnd);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes its metadata files under a scratch path with characters the filtergraph treats specially', async () => {
    const dir = await mkdtemp(join(tmpdir(), "aiqc a:b,c'd;[x]-"));
    try {
      const report = await qc(await fixture('segments'), adHocProfile([{ id: 'video.black_frames' }, { id: 'audio.loudness', params: { target_lufs: -35, tolerance_lu: 1 } }]), testEnv({ tmpDir: dir }));
      expect(report.checks.map((c) => c.status)).toEqual(['pass', 'fail', 'pass']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs once for every request, however many checks ask', async () => {
    const path = await fixture('segments');
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
    const asset = { path, name: 'segments.mov', size_bytes: size, sha256: Promise.resolve('0'.repeat(64)), sniff: await sniffFile(path, size) };
    const store = new AnalysisStore(asset, testEnv(), new AbortController().signal);
    store.plan(avPass, { measure: 'loudness' });
    store.plan(avPass, { measure: 'black', min_duration_s: 0.5 });
    store.plan(avPass, { measure: 'silence', threshold_db: -50, min_duration_s: 0.5 });
    const [a, b] = await Promise.all([store.get(avPass), store.get(avPass)]);
    expect(a).toBe(b);
    expect(a.ran).toBe(true);
    expect(a.black).toEqual([{ start_s: 1, end_s: 2 }]);
    expect(a.silence[0]!.segments).toEqual([{ start_s: 2, end_s: 3 }]);
    expect(a.loudness!.short_term.length).toBeGreaterThan(10);
  });
});
