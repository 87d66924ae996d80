/**
 * Truncation in RIFF files (WAV, AVI). FFmpeg clamps a WAV's data to the bytes present and
 * reports the shorter duration, and an AVI's index is only consulted when it is there, so a
 * copy cut at 60 % reads as a complete, shorter file. The RIFF header says how long the file
 * should be: the size field at offset 4 counts every byte after the first 8.
 */

/**
 * Sizes streaming writers leave when they cannot seek back (0, -1, 2^31-1) mean "unknown". So
 * does anything from just under 2 GiB up: a real WAV or AVI cut short that large is missed,
 * rather than a placeholder we have not seen being called a cut.
 */
const PLACEHOLDER_MIN = 0x7fff_fff0;

export interface RiffShortfall {
  /** Bytes the header declares for the whole file. */
  declared: number;
  /** Bytes the file holds. */
  present: number;
}

/**
 * Pure: the RIFF header (at least 12 bytes) and the file's size → the shortfall when the file
 * is shorter than its header says, by more than a rounding writer could explain (4 KiB or 1 %).
 * Undefined for anything else: not RIFF (RF64 keeps its sizes elsewhere), a placeholder size,
 * a file as long as declared or longer (an OpenDML AVI over 1 GB continues past its first
 * RIFF chunk; a WAV over 4 GB wraps the 32-bit field).
 */
export function riffShortfall(head: Uint8Array, fileSize: number): RiffShortfall | undefined {
  if (head.length < 12 || String.fromCharCode(...head.subarray(0, 4)) !== 'RIFF') return undefined;
  const size = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true);
  if (size === 0 || size >= PLACEHOLDER_MIN) return undefined;
  const declared = size + 8;
  const missing = declared - fileSize;
  return missing > Math.max(4096, declared * 0.01) ? { declared, present: fileSize } : undefined;
}

/** The sentence for a cut-off RIFF file, in the probe's words for a cut-off MP4. */
export function riffCutOffMessage(cut: RiffShortfall): string {
  const mb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`);
  const pct = Math.round((cut.present / cut.declared) * 100);
  return `the file is cut off: its header declares ${mb(cut.declared)} but only ${mb(cut.present)} (${pct} %) is there (truncated export or upload) — export or upload it again`;
}
