/**
 * Whether an MP3 states its own length. An encoder that can seek back (LAME, FFmpeg, every
 * DAW export) writes a Xing or Info tag (or Fraunhofer's VBRI) in the first frame, with the
 * frame count; FFmpeg then reports that duration, and a copy cut short ends its packets before
 * it — the truncation rule can compare the two. Without such a tag FFmpeg estimates the
 * duration from the size and the first frame's bit rate, which says nothing about a cut and is
 * far off for VBR; the rule stays out of it.
 */

/** Bytes of an ID3v2 tag at the start of `head` (header, body, footer), 0 when there is none. */
export function id3v2Length(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0;
  const syncsafe = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  return 10 + syncsafe + (head[5]! & 0x10 ? 10 : 0);
}

/**
 * Pure: the bytes from just after any ID3v2 tag → whether the first MPEG audio Layer III frame
 * carries a Xing, Info or VBRI tag. The frame may follow padding; the tag sits after the side
 * information (17 or 32 bytes, +2 with a CRC), or at 36 bytes for VBRI.
 */
export function hasLengthTag(afterId3: Uint8Array): boolean {
  for (let at = 0; at + 4 <= afterId3.length; at++) {
    if (afterId3[at] !== 0xff || (afterId3[at + 1]! & 0xe6) !== 0xe2) continue; // sync + Layer III
    const frame = afterId3.subarray(at, at + 64);
    const text = Buffer.from(frame).toString('latin1');
    return /Xing|Info|VBRI/.test(text);
  }
  return false;
}
