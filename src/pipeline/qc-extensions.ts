/**
 * File extensions the Box pipeline hands to the QC engine: the image, PDF, video and audio
 * formats the engine's sniffer recognises (src/qc/sniff.ts). The webhook mapper and the sweeper
 * both ask here, so a file is QC-able or not in one place. The extension only decides whether
 * to fetch the file at all; what the file is comes from its bytes once downloaded.
 */
import type { AssetKind } from '../qc/types.js';

const IMAGE = ['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.heic', '.heif'];
const PDF = ['.pdf'];
const VIDEO = ['.mp4', '.mov', '.webm', '.mkv', '.avi', '.mpg', '.mpeg', '.mts', '.m2ts', '.m4v', '.mxf', '.flv', '.3gp', '.ogv'];
const AUDIO = ['.wav', '.mp3', '.flac', '.aac', '.m4a', '.ogg', '.oga', '.opus', '.aif', '.aiff', '.wma'];

export const QC_EXTENSIONS: ReadonlySet<string> = new Set([...IMAGE, ...PDF, ...VIDEO, ...AUDIO]);

const KIND_BY_EXTENSION: ReadonlyMap<string, AssetKind> = new Map([
  ...IMAGE.map((e) => [e, 'image'] as const),
  ...PDF.map((e) => [e, 'pdf'] as const),
  ...VIDEO.map((e) => [e, 'video'] as const),
  ...AUDIO.map((e) => [e, 'audio'] as const),
]);

/** The kind a name suggests, before the bytes are seen (for log lines only; the job sniffs). */
export function kindFromName(name: string): AssetKind {
  return KIND_BY_EXTENSION.get(extensionOf(name)) ?? 'unknown';
}

/** Lower-case extension with the dot (".mp4"), or "" when the name has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot).toLowerCase() : '';
}

export function isQcFileName(name: string): boolean {
  return QC_EXTENSIONS.has(extensionOf(name));
}
