/** Time segments: pure helpers shared by the pass (reconciliation) and the checks (judgement). */

export interface Segment {
  start_s: number;
  end_s: number;
}

export const durationOf = (s: Segment) => s.end_s - s.start_s;

/** `from` minus every stretch in `cut`, keeping the pieces at least `minDuration` long. */
export function subtractSegments(from: readonly Segment[], cut: readonly Segment[], minDuration = 0): Segment[] {
  const sortedCut = [...cut].sort((a, b) => a.start_s - b.start_s);
  const out: Segment[] = [];
  for (const seg of from) {
    let pieces: Segment[] = [{ ...seg }];
    for (const c of sortedCut) {
      pieces = pieces.flatMap((p) => {
        if (c.end_s <= p.start_s || c.start_s >= p.end_s) return [p];
        const keep: Segment[] = [];
        if (c.start_s > p.start_s) keep.push({ start_s: p.start_s, end_s: c.start_s });
        if (c.end_s < p.end_s) keep.push({ start_s: c.end_s, end_s: p.end_s });
        return keep;
      });
    }
    // A piece one frame long is the edge of a fade, not a freeze: `minDuration` drops those.
    out.push(...pieces.filter((p) => durationOf(p) >= minDuration && durationOf(p) > 0));
  }
  return out;
}

export type SegmentPlace = 'start' | 'end' | 'middle' | 'whole';

/** Where a segment sits: touching the start or the end (within `slack`), both, or neither. */
export function placeOf(seg: Segment, total_s: number, slack_s: number): SegmentPlace {
  const atStart = seg.start_s <= slack_s;
  const atEnd = seg.end_s >= total_s - slack_s;
  return atStart && atEnd ? 'whole' : atStart ? 'start' : atEnd ? 'end' : 'middle';
}

export interface SegmentAllowance {
  max_duration_s: number;
  allow_at_start_s: number;
  allow_at_end_s: number;
}

export interface JudgedSegment extends Segment {
  place: SegmentPlace;
  limit_s: number;
  too_long: boolean;
}

/**
 * Judge each segment against the limit for where it sits: lead-in black/silence may run up
 * to `allow_at_start_s`, a tail up to `allow_at_end_s`, anything else up to
 * `max_duration_s`. `slack_s` (about a frame) absorbs timestamp rounding at the edges.
 */
export function judgeSegments(segments: readonly Segment[], total_s: number, allow: SegmentAllowance, slack_s: number): JudgedSegment[] {
  return segments.map((seg) => {
    const place = placeOf(seg, total_s, slack_s);
    const limit =
      place === 'start' ? Math.max(allow.allow_at_start_s, allow.max_duration_s)
      : place === 'end' ? Math.max(allow.allow_at_end_s, allow.max_duration_s)
      : place === 'whole' ? Math.max(allow.allow_at_start_s, allow.allow_at_end_s, allow.max_duration_s)
      : allow.max_duration_s;
    return { ...seg, place, limit_s: limit, too_long: durationOf(seg) > limit + slack_s / 2 };
  });
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;
