/**
 * What a file is, from its bytes (magic numbers via `file-type`), never from its name.
 * The extension only ever appears in messages, to explain a mismatch.
 */
import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { AssetKind, SniffResult } from './types.js';

/** Formats each kind's probe can read. Anything else is `unknown` with a reason. */
// JPEG 2000 (jp2/j2c/jpx): sharp's libvips has no decoder here, so the image probe decodes it with FFmpeg.
const IMAGE_FORMATS = new Set(['jpg', 'png', 'webp', 'gif', 'tif', 'avif', 'heic', 'jp2', 'j2c', 'jpx']);
const VIDEO_FORMATS = new Set(['mp4', 'mov', 'webm', 'mkv', 'avi', 'mpg', 'mts', 'm4v', 'mxf', 'flv', '3gp', 'ogv']);
const AUDIO_FORMATS = new Set(['wav', 'mp3', 'flac', 'aac', 'm4a', 'ogg', 'opus', 'aif', 'wma', 'oga']);

/** file-type's extension → the short format name reports use. */
const FORMAT_NAMES: Record<string, string> = { jpg: 'jpeg', tif: 'tiff', aif: 'aiff' };

function kindOf(ext: string, mime: string): AssetKind {
  if (ext === 'pdf') return 'pdf';
  if (IMAGE_FORMATS.has(ext)) return 'image';
  if (VIDEO_FORMATS.has(ext)) return 'video';
  if (AUDIO_FORMATS.has(ext)) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'unknown';
}

export async function sniffFile(path: string, sizeBytes: number): Promise<SniffResult> {
  if (sizeBytes === 0) {
    return { kind: 'unknown', format: 'empty', reason: 'the file is empty (0 bytes): re-export or re-upload it' };
  }
  const detected = await fileTypeFromFile(path);
  // file-type calls an SVG that opens with an XML declaration "xml": look for the <svg root.
  if (detected?.ext === 'xml' && looksLikeSvg(await readHead(path, 16 * 1024))) return { kind: 'image', format: 'svg', mime: 'image/svg+xml' };
  if (detected) {
    const kind = kindOf(detected.ext, detected.mime);
    const format = FORMAT_NAMES[detected.ext] ?? detected.ext;
    // Classified by its tracks, not its container: an MP4/WebM holding sound alone is audio.
    if (kind === 'video' && (await holdsSoundOnly(path, format))) return { kind: 'audio', format, mime: detected.mime.replace(/^video\//, 'audio/') };
    if (kind !== 'unknown') return { kind, format, mime: detected.mime };
    return {
      kind,
      format,
      mime: detected.mime,
      reason: `the content is ${format.toUpperCase()} (${detected.mime}), which aiqc does not check: export the artwork as an image, PDF, video or audio file`,
    };
  }
  const head = await readHead(path, 512);
  // RF64 (EBU Tech 3306) and BW64 (ITU-R BS.2088): the WAV that broadcast deliverables use past
  // 4 GB, with 64-bit sizes. file-type knows only RIFF; FFmpeg's wav demuxer reads all three.
  if (/^(RF64|BW64)....WAVE/s.test(head.toString('latin1', 0, 12))) return { kind: 'audio', format: 'wav', mime: 'audio/wav' };
  // SVG is checked as an image: sharp rasterises it with librsvg at its intrinsic size.
  if (looksLikeSvg(head)) return { kind: 'image', format: 'svg', mime: 'image/svg+xml' };
  if (looksLikeText(head)) {
    return { kind: 'unknown', format: 'text', mime: 'text/plain', reason: 'the content is plain text, not an image, PDF, video or audio file: check that the right file was exported' };
  }
  return {
    kind: 'unknown',
    format: 'unknown',
    reason: 'the content matches no image, PDF, video or audio format aiqc knows (it may be corrupt or truncated at the start): re-export the file',
  };
}

/** The first `bytes` of a file (from `position`), fewer when the file is shorter. */
export async function readHead(path: string, bytes: number, position = 0): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function looksLikeSvg(head: Buffer): boolean {
  const text = head.toString('utf8').trimStart().toLowerCase();
  return text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'));
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  let printable = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 128) printable++;
  }
  return printable / head.length > 0.95;
}

/** How far into a file the track list is looked for (a moov box, a Matroska Tracks element). */
const TRACKS_SCAN_BYTES = 16 * 1024 * 1024;

/**
 * True when a video container declares sound tracks and no picture track: MP4/MOV by the
 * handler types (`hdlr` 'soun'/'vide') inside the moov box, Matroska/WebM by the TrackType
 * (1 video, 2 audio) of its Tracks element. Anything unclear stays video.
 */
export async function holdsSoundOnly(path: string, format: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const read = async (at: number, length: number) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - at)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      return buf.subarray(0, bytesRead);
    };
    let handlers: string[] = [];
    if (['mp4', 'mov', 'm4v', '3gp', '3g2'].includes(format)) {
      for (let at = 0; at + 8 <= size; ) {
        const head = await read(at, 16);
        let boxSize = head.readUInt32BE(0);
        const type = head.toString('latin1', 4, 8);
        if (boxSize === 1 && head.length >= 16) boxSize = Number(head.readBigUInt64BE(8));
        else if (boxSize === 0) boxSize = size - at;
        if (boxSize < 8) return false;
        if (type === 'moov') {
          const moov = await read(at, Math.min(boxSize, TRACKS_SCAN_BYTES));
          for (let i = moov.indexOf('hdlr'); i >= 0; i = moov.indexOf('hdlr', i + 4)) handlers.push(moov.toString('latin1', i + 12, i + 16));
          break;
        }
        at += boxSize;
      }
    } else if (['webm', 'mkv'].includes(format)) {
      const head = await read(0, TRACKS_SCAN_BYTES);
      const tracks = head.indexOf(Buffer.from([0x16, 0x54, 0xae, 0x6b]));
      if (tracks < 0) return false;
      const sizeByte = head[tracks + 4] ?? 0;
      const width = Math.clz32(sizeByte) - 23; // EBML variable-length size: leading zeros + 1
      if (width < 1 || width > 8) return false;
      let length = sizeByte & (0xff >> width);
      for (let k = 1; k < width; k++) length = length * 256 + (head[tracks + 4 + k] ?? 0);
      const body = head.subarray(tracks + 4 + width, tracks + 4 + width + length);
      // TrackType: ID 0x83, a one-byte size 0x81, then 1 (video) or 2 (audio).
      for (let i = body.indexOf(Buffer.from([0x83, 0x81])); i >= 0; i = body.indexOf(Buffer.from([0x83, 0x81]), i + 2)) {
        if (body[i + 2] === 1) handlers.push('vide');
        if (body[i + 2] === 2) handlers.push('soun');
      }
    }
    handlers = handlers.filter((h) => h === 'vide' || h === 'soun');
    return handlers.includes('soun') && !handlers.includes('vide');
  } finally {
    await fh.close();
  }
}
