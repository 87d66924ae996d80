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
  if (detected) {
    const kind = kindOf(detected.ext, detected.mime);
    const format = FORMAT_NAMES[detected.ext] ?? detected.ext;
    if (kind !== 'unknown') return { kind, format, mime: detected.mime };
    return {
      kind,
      format,
      mime: detected.mime,
      reason: `the content is ${format.toUpperCase()} (${detected.mime}), which aiqc does not check: export the artwork as an image, PDF, video or audio file`,
    };
  }
  const head = await readHead(path, 512);
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

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
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
