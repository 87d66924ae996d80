/**
 * Evidence as people read it: repeated findings grouped across pages and segments ("Pages
 * 1–23: no BleedBox"), sentences instead of key dumps, and only a few lines before "+N more".
 * Pure: the report JSON keeps every item; this decides what a reader sees.
 */
import type { QcReport } from './schema.js';
import { formatSeconds, formatValue, keyLabel, pageRanges, timecode } from './units.js';

export type CheckRow = QcReport['checks'][number];
export type EvidenceItem = NonNullable<CheckRow['evidence']>[number];

/** Lines shown before the rest folds into "+N more". */
export const EVIDENCE_LINES_SHOWN = 4;

export interface EvidenceLine {
  text: string;
}

export interface EvidenceStill {
  caption: string;
  image: string;
  before?: string;
  after?: string;
  start_s?: number;
  end_s?: number;
}

export interface GroupedEvidence {
  lines: EvidenceLine[];
  stills: EvidenceStill[];
}

const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** What a detail says when there is no label: "font Helvetica, type Type1", never "k: v; …". */
function detailSentence(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  return Object.entries(detail)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${keyLabel(k).toLowerCase()} ${formatValue(k, v)}`)
    .join(', ');
}

export function segmentText(e: Pick<EvidenceItem, 'start_s' | 'end_s'>): string {
  if (e.start_s === undefined) return '';
  if (e.end_s === undefined || e.end_s <= e.start_s) return `at ${timecode(e.start_s)}`;
  return `${timecode(e.start_s)}–${timecode(e.end_s)} (${formatSeconds(e.end_s - e.start_s)})`;
}

export function groupEvidence(items: readonly EvidenceItem[] | undefined): GroupedEvidence {
  const stills: EvidenceStill[] = [];
  // Page findings with the same wording become one line listing their pages, in first-seen order.
  const byLabel = new Map<string, { pages: number[]; segments: string[]; plain: number }>();
  for (const e of items ?? []) {
    if (e.series) continue;
    const what = e.label ?? detailSentence(e.detail);
    if (e.image) {
      stills.push({
        caption: sentence([segmentText(e), e.label ?? ''].filter(Boolean).join(': ')),
        image: e.image,
        ...(e.image_before ? { before: e.image_before } : {}),
        ...(e.image_after ? { after: e.image_after } : {}),
        ...(e.start_s !== undefined ? { start_s: e.start_s } : {}),
        ...(e.end_s !== undefined ? { end_s: e.end_s } : {}),
      });
      continue;
    }
    if (!what && e.page === undefined && e.start_s === undefined) continue;
    const group = byLabel.get(what) ?? { pages: [], segments: [], plain: 0 };
    if (e.page !== undefined) group.pages.push(e.page);
    else if (e.start_s !== undefined) group.segments.push(segmentText(e));
    else group.plain++;
    byLabel.set(what, group);
  }
  const lines: EvidenceLine[] = [];
  for (const [what, g] of byLabel) {
    if (g.pages.length > 0) {
      const n = new Set(g.pages).size;
      lines.push({ text: sentence(`${n === 1 ? 'page' : 'pages'} ${pageRanges(g.pages)}${what ? `: ${what}` : ''}`) });
    }
    if (g.segments.length > 0) lines.push({ text: sentence(`${what ? `${what}: ` : ''}${g.segments.join(', ')}`) });
    if (g.plain > 0 && what) lines.push({ text: sentence(what) });
  }
  return { lines, stills };
}

/** The first series of a check (a loudness curve), if any. */
export function seriesOf(check: CheckRow): NonNullable<EvidenceItem['series']> | undefined {
  return check.evidence?.find((e) => e.series)?.series;
}
