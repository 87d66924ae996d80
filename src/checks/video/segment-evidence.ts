/** Segment outcomes shared by the black, freeze and silence checks: evidence and wording. */
import type { SegmentStill } from '../../analysis/av/frames.js';
import type { JudgedSegment } from '../../analysis/av/segments.js';
import type { Evidence } from '../../qc/types.js';

export const secs = (n: number) => `${Number(n.toFixed(2))} s`;

export function describeSegment(s: JudgedSegment): string {
  const where = s.place === 'start' ? ' at the start' : s.place === 'end' ? ' at the end' : s.place === 'whole' ? ' throughout' : '';
  return `${secs(s.start_s)}–${secs(s.end_s)} (${secs(s.end_s - s.start_s)}${where})`;
}

/** One segment evidence per judged segment, with the still for it when there is one. */
export function segmentEvidence(judged: readonly JudgedSegment[], label: string, stills: readonly SegmentStill[] = []): Evidence[] {
  return judged.map((s) => {
    const still = stills.find((p) => p.start_s === s.start_s && p.end_s === s.end_s);
    return {
      start_s: s.start_s,
      end_s: s.end_s,
      label: `${label}${s.too_long ? ' (too long)' : ''}`,
      ...(still ? { image: still.image } : {}),
      ...(still?.before ? { image_before: still.before } : {}),
      ...(still?.after ? { image_after: still.after } : {}),
      detail: { place: s.place, limit_s: s.limit_s },
    };
  });
}
