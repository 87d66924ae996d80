/**
 * The A/V probe: ffprobe's view of the container and its first video and audio streams,
 * plus a cheap check that the file really reaches its declared end (in the same ffprobe run:
 * a seek to the last keyframe and a listing of the packets after it, no decoding; for WAV and
 * AVI, the length their RIFF header declares) so a truncated upload is an unreadable asset,
 * not a string of confusing check failures.
 */
import { AssetUnreadableError } from '../../qc/errors.js';
import { readHead } from '../../qc/sniff.js';
import type { Analysis, AnalysisContext, AssetKind, ProbeResult } from '../../qc/types.js';
import { hasLengthTag, id3v2Length } from './mp3-header.js';
import { explainFailure } from './reasons.js';
import { riffCutOffMessage, riffShortfall } from './riff.js';
import { runTool } from './tools.js';

export interface VideoStreamDetails {
  index: number;
  codec: string;
  profile?: string;
  /** Stored (coded) picture size. */
  width: number;
  height: number;
  /** What a viewer sees: sample aspect ratio and rotation applied. */
  display_width: number;
  display_height: number;
  sample_aspect_ratio: number;
  display_aspect_ratio: number;
  /** Degrees a player turns the picture (phone video), as FFmpeg reports it: 0, 90, 180 or 270. */
  rotation: number;
  frame_rate: number;
  /** The container's nominal rate (r_frame_rate) and average rate disagree: variable frame rate. */
  vfr: boolean;
  bit_rate_kbps?: number;
  pix_fmt?: string;
  field_order?: string;
}

export interface AudioStreamDetails {
  index: number;
  codec: string;
  profile?: string;
  channels: number;
  channel_layout?: string;
  sample_rate: number;
  bit_rate_kbps?: number;
}

export interface AvDetails {
  /** ffprobe's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `wav`, `mp3`. */
  container: string;
  duration_s: number;
  bit_rate_kbps?: number;
  video?: VideoStreamDetails;
  audio?: AudioStreamDetails;
  video_stream_count: number;
  audio_stream_count: number;
  /** Subtitle streams in the container and CEA-608/708 captions in the picture (`av.captions`); absent when there are none. */
  captions?: { streams: SubtitleStream[]; closed_captions: boolean };
}

export interface SubtitleStream {
  index: number;
  codec: string;
  language?: string;
  title?: string;
}

/** The slice of ffprobe's JSON we read. */
export interface FfprobeJson {
  format?: { format_name?: string; duration?: string; bit_rate?: string };
  streams?: Array<{
    index?: number;
    codec_type?: string;
    codec_name?: string;
    codec_tag_string?: string;
    profile?: string;
    width?: number;
    height?: number;
    sample_aspect_ratio?: string;
    r_frame_rate?: string;
    avg_frame_rate?: string;
    bit_rate?: string;
    pix_fmt?: string;
    field_order?: string;
    duration?: string;
    channels?: number;
    channel_layout?: string;
    sample_rate?: string;
    tags?: Record<string, string>;
    side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
    disposition?: { attached_pic?: number };
    closed_captions?: number;
  }>;
}

type Stream = NonNullable<FfprobeJson['streams']>[number];

export function parseRational(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [n, d] = text.split(/[/:]/).map(Number);
  if (n === undefined || !Number.isFinite(n)) return undefined;
  if (d === undefined) return n;
  return d > 0 && n > 0 ? n / d : undefined;
}

const kbps = (bps: string | undefined) => {
  const n = Number(bps);
  return Number.isFinite(n) && n > 0 ? Math.round(n / 100) / 10 : undefined;
};

function rotationOf(s: Stream): number {
  // FFmpeg versions disagree on the sign of the display matrix angle; what the checks need
  // is whether the picture is shown sideways, which the sign does not change.
  const fromSideData = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const raw = fromSideData ?? Number(s.tags?.rotate ?? 0);
  return (((Math.round(raw / 90) * 90) % 360) + 360) % 360;
}

/** The unsupported-codec case in words, or undefined when FFmpeg knows the codec. */
function unknownCodec(s: Stream): string | undefined {
  if (s.codec_name && s.codec_name !== 'none') return undefined;
  const tag = s.codec_tag_string && !/^\[/.test(s.codec_tag_string) ? ` (tag "${s.codec_tag_string}")` : '';
  return `its ${s.codec_type ?? 'media'} stream uses a codec FFmpeg does not know${tag}: export it as H.264 or H.265 video with AAC audio`;
}

/** Pure: ffprobe's stream list → subtitle streams and whether the picture carries closed captions. */
export function captionStreams(json: FfprobeJson): NonNullable<AvDetails['captions']> {
  const streams = (json.streams ?? [])
    .filter((s) => s.codec_type === 'subtitle')
    .map((s) => ({
      index: s.index ?? 0,
      codec: s.codec_name ?? 'unknown',
      ...(s.tags?.['language'] && s.tags['language'] !== 'und' ? { language: s.tags['language'] } : {}),
      ...(s.tags?.['title'] ? { title: s.tags['title'] } : {}),
    }));
  return { streams, closed_captions: (json.streams ?? []).some((s) => s.codec_type === 'video' && s.closed_captions === 1) };
}

/** Pure: ffprobe JSON → what the checks need, or the reason the asset cannot be QC'd. */
export function detailsFromFfprobe(json: FfprobeJson, kind: AssetKind): AvDetails {
  const streams = json.streams ?? [];
  const videos = streams.filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audios = streams.filter((s) => s.codec_type === 'audio');
  const v = videos[0];
  const a = audios[0];
  if (kind === 'video' && !v) {
    throw new AssetUnreadableError(
      a
        ? 'the file has no picture, only sound (a video container holding audio alone): export it again with its video track, or deliver it as an audio file (.m4a, .wav) and check it with an audio profile'
        : 'the file holds no video stream that FFmpeg can find: export it again',
    );
  }
  if (kind === 'audio' && !a) throw new AssetUnreadableError('the file holds no audio stream that FFmpeg can find: export it again');
  const main = kind === 'video' ? v! : a!;
  const unknown = unknownCodec(main);
  if (unknown) throw new AssetUnreadableError(unknown);

  const duration = Number(json.format?.duration ?? main.duration ?? NaN);
  const details: AvDetails = {
    container: json.format?.format_name ?? 'unknown',
    duration_s: Number.isFinite(duration) ? duration : 0,
    video_stream_count: videos.length,
    audio_stream_count: audios.length,
  };
  const overall = kbps(json.format?.bit_rate);
  if (overall) details.bit_rate_kbps = overall;
  const captions = captionStreams(json);
  if (captions.streams.length > 0 || captions.closed_captions) details.captions = captions;

  if (v && !unknownCodec(v)) {
    const width = v.width ?? 0;
    const height = v.height ?? 0;
    const sar = parseRational(v.sample_aspect_ratio) ?? 1;
    const rotation = rotationOf(v);
    const sideways = rotation === 90 || rotation === 270;
    const shownW = Math.round(width * sar);
    const displayW = sideways ? height : shownW;
    const displayH = sideways ? shownW : height;
    const nominal = parseRational(v.r_frame_rate);
    const average = parseRational(v.avg_frame_rate);
    // Without an average rate (one frame, or no timing), r_frame_rate is often the container's
    // time base (1000 for Matroska/WebM, 90000 for MPEG-TS), not a frame rate.
    const timebaseOnly = average === undefined && nominal !== undefined && nominal >= 1000;
    const rate = timebaseOnly ? 0 : (average ?? nominal ?? 0);
    details.video = {
      index: v.index ?? 0,
      codec: v.codec_name!,
      ...(v.profile ? { profile: v.profile } : {}),
      width,
      height,
      display_width: displayW,
      display_height: displayH,
      sample_aspect_ratio: sar,
      display_aspect_ratio: displayH > 0 ? displayW / displayH : 0,
      rotation,
      frame_rate: rate,
      // Constant-rate files can differ by rounding of the last frame's duration: 2% is noise.
      vfr: !timebaseOnly && nominal !== undefined && average !== undefined && Math.abs(nominal - average) / nominal > 0.02,
      ...(kbps(v.bit_rate) ? { bit_rate_kbps: kbps(v.bit_rate)! } : {}),
      ...(v.pix_fmt ? { pix_fmt: v.pix_fmt } : {}),
      ...(v.field_order ? { field_order: v.field_order } : {}),
    };
  }
  if (a && !unknownCodec(a)) {
    details.audio = {
      index: a.index ?? 0,
      codec: a.codec_name!,
      ...(a.profile ? { profile: a.profile } : {}),
      channels: a.channels ?? 0,
      ...(a.channel_layout ? { channel_layout: a.channel_layout } : {}),
      sample_rate: Number(a.sample_rate ?? 0),
      ...(kbps(a.bit_rate) ? { bit_rate_kbps: kbps(a.bit_rate)! } : {}),
    };
  }
  return details;
}

/** The report's `asset.info`: plain snake_case JSON a person can read. */
export function infoOf(d: AvDetails): Record<string, unknown> {
  const round = (n: number, places: number) => Number(n.toFixed(places));
  return {
    duration_s: round(d.duration_s, 3),
    ...(d.bit_rate_kbps ? { bit_rate_kbps: d.bit_rate_kbps } : {}),
    ...(d.video
      ? {
          width: d.video.display_width,
          height: d.video.display_height,
          video_codec: d.video.codec,
          ...(d.video.profile ? { video_profile: d.video.profile } : {}),
          frame_rate: round(d.video.frame_rate, 3),
          ...(d.video.vfr ? { variable_frame_rate: true } : {}),
          display_aspect_ratio: round(d.video.display_aspect_ratio, 4),
          ...(d.video.rotation ? { rotation: d.video.rotation } : {}),
          ...(d.video.sample_aspect_ratio !== 1 ? { sample_aspect_ratio: round(d.video.sample_aspect_ratio, 4) } : {}),
          ...(d.video.pix_fmt ? { pix_fmt: d.video.pix_fmt } : {}),
        }
      : {}),
    ...(d.audio
      ? {
          audio_codec: d.audio.codec,
          channels: d.audio.channels,
          ...(d.audio.channel_layout ? { channel_layout: d.audio.channel_layout } : {}),
          sample_rate: d.audio.sample_rate,
        }
      : { has_audio: false }),
    ...(d.audio_stream_count > 1 ? { audio_streams: d.audio_stream_count } : {}),
  };
}

const SHORT_FORMAT: Array<[RegExp, string]> = [
  [/^mov,mp4/, 'mp4'],
  [/^matroska,webm/, 'mkv'],
];

function formatName(container: string, sniffed: string): string {
  // ffprobe names demuxer families ("mov,mp4,m4a…"); the sniff already knows which member.
  return SHORT_FORMAT.some(([re]) => re.test(container)) ? sniffed : container.split(',')[0]!;
}

/** Containers whose duration is an estimate from the byte size: a shortfall proves nothing. */
const ESTIMATED_DURATION = new Set(['mp3', 'aac', 'ac3', 'eac3', 'adts']);

/** ffmpeg input name for a path: `file:` so a name with a colon is never read as a protocol. */
export function inputUrl(path: string): string {
  return `file:${path}`;
}

async function ffprobe(ctx: AnalysisContext, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runTool('ffprobe', ctx.env.ffprobePath, ['-hide_banner', '-v', 'error', ...args, inputUrl(ctx.asset.path)], {
    signal: ctx.signal,
    timeoutMs: ctx.env.checkTimeoutMs,
  });
}

/**
 * The packets ffprobe read from the last keyframe on (see `avFfprobe`): where the file's data
 * really ends, and the demuxer's complaints on the way.
 */
interface TailRead {
  packets: Array<{ pts_time?: string; duration_time?: string }>;
  stderr: string;
}

/**
 * Pure: the declared duration against where the data ends → throws when the file is cut off.
 * `durationIsDeclared` is false where FFmpeg only estimates the duration (see `declaresDuration`).
 */
export function assertReachesEnd(d: AvDetails, tail: TailRead, durationIsDeclared: boolean): void {
  // Zero only when even reading the packets found no end (durationByReading): nothing to compare.
  if (d.duration_s <= 0) return;
  if (/partial file|truncat/i.test(tail.stderr)) throw new AssetUnreadableError(explainFailure(tail.stderr));
  if (!durationIsDeclared) return;
  let lastEnd = 0;
  for (const p of tail.packets) {
    const pts = Number(p.pts_time);
    const dur = Number(p.duration_time);
    if (Number.isFinite(pts)) lastEnd = Math.max(lastEnd, pts + (Number.isFinite(dur) ? dur : 0));
  }
  const shortfall = d.duration_s - lastEnd;
  if (lastEnd > 0 && shortfall > Math.max(1, d.duration_s * 0.1)) {
    throw new AssetUnreadableError(
      `the file is cut off: it declares ${d.duration_s.toFixed(2)} s but its data ends at ${lastEnd.toFixed(2)} s (truncated export or upload) — export or upload it again`,
    );
  }
}

/**
 * When the container records no duration (WebM written live, a WAV header without data), read
 * the packets (no decoding) to find where the media ends. A file with no packets at all holds
 * no sound or picture: that is an unreadable asset, not a 0-second one.
 */
async function durationByReading(ctx: AnalysisContext, d: AvDetails): Promise<number> {
  const main = ctx.asset.sniff.kind === 'audio' || !d.video ? d.audio : d.video;
  const count = await ffprobe(ctx, ['-count_packets', '-show_entries', 'stream=index,nb_read_packets', '-of', 'csv=p=0']);
  // ffprobe prints N/A (not 0) when it counted no packet at all.
  const packets = count.stdout
    .split('\n')
    .map((line) => line.trim().split(','))
    .find(([index]) => Number(index) === main?.index)?.[1];
  if (count.code === 0 && (packets === '0' || packets === 'N/A')) {
    throw new AssetUnreadableError(
      `the file holds no ${main === d.audio ? 'sound' : 'picture'}: it has ${main === d.audio ? 'an audio' : 'a video'} header but no ${main === d.audio ? 'samples' : 'frames'} (an empty or failed export) — export it again`,
    );
  }
  const run = await runTool('ffmpeg', ctx.env.ffmpegPath, ['-nostdin', '-hide_banner', '-v', 'error', '-i', inputUrl(ctx.asset.path), '-map', '0', '-c', 'copy', '-f', 'null', '-', '-progress', 'pipe:1', '-nostats'], {
    signal: ctx.signal,
    timeoutMs: ctx.env.checkTimeoutMs,
    maxStdoutBytes: 1024 * 1024,
  });
  const times = [...run.stdout.matchAll(/^out_time_us=(\d+)$/gm)].map((m) => Number(m[1]));
  return times.length > 0 ? Math.max(...times) / 1e6 : 0;
}

/**
 * One ffprobe for the header and the end of the file: the streams and format (JSON), and the
 * packets from the last keyframe on (`-read_intervals` with a start past any real end: the
 * demuxer seeks back to the last keyframe it can reach). Packets are listed, never decoded.
 * One process instead of two: ffprobe spends ~0.1 CPU-s loading FFmpeg's libraries before it
 * reads a byte, and that CPU is taken from the decode pass running beside it.
 */
const avFfprobe: Analysis<{ json: FfprobeJson & { packets?: TailRead['packets'] }; stderr: string }> = {
  id: 'av.ffprobe',
  async compute(ctx) {
    const run = await ffprobe(ctx, [
      '-print_format', 'json=compact=1', '-show_format', '-show_streams',
      '-show_entries', 'packet=pts_time,duration_time', '-read_intervals', `${PAST_ANY_END_S}%`,
    ]);
    if (run.code !== 0) throw new AssetUnreadableError(explainFailure(run.stderr));
    try {
      return { json: JSON.parse(run.stdout) as FfprobeJson, stderr: run.stderr };
    } catch (err) {
      throw new AssetUnreadableError(`ffprobe's answer could not be read (${(err as Error).message})`, { cause: err });
    }
  },
};

/**
 * Whether FFmpeg's duration for this file is one the file declares, not an estimate from its
 * size: false for the ESTIMATED_DURATION containers, except an MP3 whose first frame carries
 * a Xing/Info/VBRI tag (`mp3-header.ts`), whose duration FFmpeg takes from the tag.
 */
async function declaresDuration(path: string, container: string): Promise<boolean> {
  if (container === 'mp3') return hasLengthTag(await readHead(path, MP3_TAG_SCAN_BYTES, id3v2Length(await readHead(path, 10))));
  return !ESTIMATED_DURATION.has(container);
}

/** ffprobe's names for the RIFF containers, whose header states the file's length (riff.ts). */
const RIFF_CONTAINERS = new Set(['wav', 'avi']);

/** How far past an ID3v2 tag the first MP3 frame is looked for (encoders pad a little). */
const MP3_TAG_SCAN_BYTES = 8 * 1024;

/** Seconds past the end of any real asset (about 3 years): a seek there lands on the last keyframe. */
const PAST_ANY_END_S = 99_999_999;

/**
 * What the streams are (ffprobe's JSON; the duration read from the packets when the
 * container records none): all the decode pass needs to plan its graphs, so it starts as
 * soon as ffprobe answers.
 */
export const avStreams: Analysis<AvDetails> = {
  id: 'av.streams',
  async compute(ctx) {
    const { json } = await ctx.get(avFfprobe);
    const details = detailsFromFfprobe(json, ctx.asset.sniff.kind);
    if (!(details.duration_s > 0)) details.duration_s = await durationByReading(ctx, details);
    return details;
  },
};

/** The streams, and proof that the file reaches its declared end. */
export const avProbe: Analysis<ProbeResult<AvDetails>> = {
  id: 'av.probe',
  async compute(ctx) {
    const details = await ctx.get(avStreams);
    const { json, stderr } = await ctx.get(avFfprobe);
    assertReachesEnd(details, { packets: json.packets ?? [], stderr }, await declaresDuration(ctx.asset.path, details.container));
    if (RIFF_CONTAINERS.has(details.container)) {
      const cut = riffShortfall(await readHead(ctx.asset.path, 12), ctx.asset.size_bytes);
      if (cut) throw new AssetUnreadableError(riffCutOffMessage(cut));
    }
    return { format: formatName(details.container, ctx.asset.sniff.format), info: infoOf(details), details };
  },
};
