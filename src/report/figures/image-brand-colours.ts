/**
 * Swatches for `image.brand_colours`: each dominant colour found, its share of the picture,
 * beside the nearest palette colour with the ΔE2000 between them. Inline SVG, colours only from
 * strict `#rrggbb` values (anything else in the JSON is drawn grey), every text escaped.
 */
import { escapeHtml } from '../escape.js';
import type { QcReport } from '../schema.js';

const HEX = /^#[0-9a-f]{6}$/i;
const fillOf = (v: unknown) => (typeof v === 'string' && HEX.test(v) ? v.toLowerCase() : '#cccccc');
const W = 360;
const ROW = 34;
const VERDICT_COLOUR: Record<string, string> = { 'on palette': '#1a7f37', 'off palette': '#c62828', 'neutral, not judged': '#6b7280' };

/** The swatch picture, or '' when the check did not run or found nothing. */
export function brandColourSwatches(report: QcReport): string {
  const check = report.checks.find((c) => c.id === 'image.brand_colours' && (c.status === 'pass' || c.status === 'fail' || c.status === 'warn'));
  const rows = (check?.evidence ?? []).flatMap((e) => (e.detail && typeof e.detail['hex'] === 'string' ? [e.detail] : [])).slice(0, 10);
  if (rows.length === 0) return '';
  const H = rows.length * ROW + 18;
  const body = rows
    .map((d, i) => {
      const y = 18 + i * ROW;
      const share = typeof d['share'] === 'number' ? `${Math.round(d['share'] * 100)}%` : '';
      const verdict = typeof d['verdict'] === 'string' ? d['verdict'] : '';
      const neutral = verdict.startsWith('neutral');
      const de = typeof d['delta_e'] === 'number' && !neutral ? `ΔE ${d['delta_e'].toFixed(1)} · ` : '';
      return (
        `<rect x="0" y="${y}" width="44" height="26" rx="3" fill="${fillOf(d['hex'])}" stroke="#0003"/>` +
        `<text x="50" y="${y + 17}">${escapeHtml(String(d['hex']))} ${escapeHtml(share)}</text>` +
        `<rect x="150" y="${y}" width="44" height="26" rx="3" fill="${fillOf(d['nearest_hex'])}" stroke="#0003"/>` +
        `<text x="200" y="${y + 11}">${escapeHtml(String(d['nearest'] ?? '—'))}</text>` +
        `<text x="200" y="${y + 24}" fill="${VERDICT_COLOUR[verdict] ?? '#333333'}">${escapeHtml(de)}${escapeHtml(neutral ? 'neutral, not judged' : verdict)}</text>`
      );
    })
    .join('');
  return `<figure class="picture swatches"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Dominant colours and their nearest brand colours" font-size="12" style="max-width:480px;width:100%;height:auto"><text x="0" y="12" fill="#555555">found · share</text><text x="150" y="12" fill="#555555">nearest brand colour</text>${body}</svg><figcaption>Colours covering at least ${escapeHtml(String(check?.expected?.['min_share'] ?? ''))} of the picture; tolerance ΔE2000 ${escapeHtml(String(check?.expected?.['tolerance_delta_e2000'] ?? ''))}.</figcaption></figure>`;
}
