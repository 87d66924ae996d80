/**
 * ffmpeg's error lines → sentences a producer can act on. The original line is kept in
 * brackets so support can still search for it.
 */

const KNOWN: Array<{ pattern: RegExp; say: string }> = [
  { pattern: /moov atom not found/i, say: 'the file is incomplete: its index (the MP4/MOV "moov" box) is missing, which happens when an export or upload is cut off — export or upload it again' },
  { pattern: /partial file/i, say: 'the file is cut off before its end (truncated) — export or upload it again' },
  { pattern: /Decoder \(codec none\) not found|unknown codec|no decoder/i, say: 'the file uses a codec FFmpeg cannot decode — export it as H.264 or H.265 video with AAC audio' },
  { pattern: /Invalid data found when processing input/i, say: 'the content is not a valid audio/video file (damaged, or another kind of file with a media name) — export it again' },
  { pattern: /End of file|could not find codec parameters/i, say: 'the file ends before any audio or video could be read (empty or truncated) — export or upload it again' },
  // FFmpeg's filter graph gave up mid-file (a stream that ends abruptly, a damaged frame, or no
  // frames at all to feed it): the words people see must say that, not the internal message.
  { pattern: /Error marking filters as finished|Error while filtering|Error reinitializing filters|Failed to inject frame/i, say: 'FFmpeg could not decode the file to its end (a damaged or abruptly ending stream) — export it again; if it plays, re-encode it (e.g. H.264/AAC in MP4)' },
  { pattern: /Permission denied/i, say: 'the file cannot be opened (permission denied)' },
];

/** The last meaningful ffmpeg line, without the `[demuxer @ 0x…]` prefix. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').trim())
    .filter((l) => l.length > 0 && !/^(Input|Output) #|^Stream mapping|^Press \[q\]|^\s*Metadata:/.test(l));
  return lines.at(-1) ?? '';
}

/** A plain-words reason for an ffmpeg/ffprobe failure, from its stderr. */
export function explainFailure(stderr: string): string {
  for (const { pattern, say } of KNOWN) {
    if (pattern.test(stderr)) {
      const raw = stderr.split(/\r?\n/).find((l) => pattern.test(l));
      return `${say} [ffmpeg: ${lastErrorLine(raw ?? '') || pattern.source}]`;
    }
  }
  const line = lastErrorLine(stderr);
  return line ? `FFmpeg could not read it: ${line}` : 'FFmpeg could not read it (no reason given)';
}
