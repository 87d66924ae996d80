/**
 * Values in people's units for the report: "481 KB", "4 GB", "Loudness range 17.3 LU",
 * "1:02.50". Pure; the keys of `measured`/`expected` carry their unit as a suffix (DESIGN §3
 * snake_case: `_bytes`, `_lufs`, `_lu`, `_dbtp`, `_s`, `_mm`, `_ppi`, `_kbps`), which is what
 * this reads.
 */

/** Between a number and its unit: "0 mm" never wraps into "0 / mm". */
export const NBSP = '\u00a0';

/** Decimal units, as file browsers and the checks' own messages count them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v >= 100 ? Math.round(v) : Number(v.toFixed(1))}${NBSP}${units[i]}`;
}

export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  // A real minus sign reads better than a hyphen in "−23 LUFS".
  return String(Number(n.toFixed(digits))).replace(/^-/, '−');
}

/** m:ss.cc for clips (1:02.50), or s.cc under a minute (12.50 s → 0:12.50). */
export function timecode(s: number): string {
  const m = Math.floor(s / 60);
  const sec = s - m * 60;
  return `${m}:${sec.toFixed(2).padStart(5, '0')}`;
}

export function formatSeconds(s: number): string {
  if (s >= 120) return timecode(s);
  return `${formatNumber(s)}${NBSP}s`;
}

interface KeyLabel {
  label: string;
  format?: (v: number) => string;
}

const unit = (u: string, digits = 2) => (v: number) => `${formatNumber(v, digits)}${NBSP}${u}`;

/** Names people use for the keys that need more than "underscores to spaces". */
const KNOWN_KEYS: Record<string, KeyLabel> = {
  integrated_lufs: { label: 'Integrated loudness', format: unit('LUFS', 1) },
  lra_lu: { label: 'Loudness range', format: unit('LU', 1) },
  max_short_term_lufs: { label: 'Loudest 3 s (short-term)', format: unit('LUFS', 1) },
  max_momentary_lufs: { label: 'Loudest 0.4 s (momentary)', format: unit('LUFS', 1) },
  true_peak_dbtp: { label: 'True peak', format: unit('dBTP', 1) },
  channels_dbtp: { label: 'True peak per channel', format: unit('dBTP', 1) },
  target_lufs: { label: 'Target', format: unit('LUFS', 1) },
  tolerance_lu: { label: 'Tolerance', format: (v) => `±${NBSP}${formatNumber(v, 1)}${NBSP}LU` },
  max_dbtp: { label: 'Ceiling', format: unit('dBTP', 1) },
  threshold_db: { label: 'Silence below', format: unit('dB', 0) },
  size_bytes: { label: 'Size', format: formatBytes },
  max_bytes: { label: 'At most', format: formatBytes },
  min_bytes: { label: 'At least', format: formatBytes },
  duration_s: { label: 'Duration', format: formatSeconds },
  longest_s: { label: 'Longest', format: formatSeconds },
  max_duration_s: { label: 'Longest allowed', format: formatSeconds },
  allow_at_start_s: { label: 'Allowed at the start', format: formatSeconds },
  allow_at_end_s: { label: 'Allowed at the end', format: formatSeconds },
  min_s: { label: 'At least', format: formatSeconds },
  max_s: { label: 'At most', format: formatSeconds },
  sample_rate: { label: 'Sample rate', format: (v) => `${formatNumber(v / 1000, 3)}${NBSP}kHz` },
  frame_rate: { label: 'Frame rate', format: unit('fps', 3) },
  bit_rate_kbps: { label: 'Bit rate', format: (v) => (v >= 1000 ? `${formatNumber(v / 1000, 1)}${NBSP}Mbps` : `${formatNumber(v, 0)}${NBSP}kbps`) },
  max_kbps: { label: 'At most', format: (v) => (v >= 1000 ? `${formatNumber(v / 1000, 1)}${NBSP}Mbps` : `${formatNumber(v, 0)}${NBSP}kbps`) },
  width: { label: 'Width', format: unit('px', 0) },
  height: { label: 'Height', format: unit('px', 0) },
  min_width: { label: 'Width at least', format: unit('px', 0) },
  min_height: { label: 'Height at least', format: unit('px', 0) },
  dpi: { label: 'Resolution', format: unit('dpi', 0) },
  pages: { label: 'Pages' },
  pdf_version: { label: 'PDF version' },
  has_bleed_box: { label: 'Bleed box' },
  icc_profile: { label: 'ICC profile' },
  video_codec: { label: 'Video codec' },
  audio_codec: { label: 'Audio codec' },
  pix_fmt: { label: 'Pixel format' },
  display_aspect_ratio: { label: 'Aspect ratio (as shown)', format: (v) => formatNumber(v, 3) },
  min_ppi: { label: 'At least', format: unit('ppi', 0) },
  lowest_ppi: { label: 'Lowest', format: unit('ppi', 0) },
  min_mm: { label: 'At least', format: unit('mm', 1) },
  min_bleed_mm: { label: 'Smallest bleed', format: unit('mm', 1) },
  max_tac_percent: { label: 'Highest total ink', format: unit('%', 0) },
  tolerance_mm: { label: 'Tolerance', format: (v) => `±${NBSP}${formatNumber(v, 1)}${NBSP}mm` },
};

/** Suffix → unit, for keys not listed above. */
const SUFFIX_UNITS: Array<[RegExp, (v: number) => string]> = [
  [/_bytes$/, formatBytes],
  [/_lufs$/, unit('LUFS', 1)],
  [/_lu$/, unit('LU', 1)],
  [/_dbtp$/, unit('dBTP', 1)],
  [/_db$/, unit('dB', 1)],
  // A rate before `_s`: `max_flashes_per_s` is flashes a second, not seconds.
  [/_per_s$/, (v) => `${formatNumber(v, 1)}${NBSP}/s`],
  [/_s$/, formatSeconds],
  [/_percent$/, unit('%', 1)],
  [/_pt$/, unit('pt', 2)],
  [/_ms$/, unit('ms', 0)],
  [/_mm$/, unit('mm', 1)],
  [/_ppi$/, unit('ppi', 0)],
  [/_kbps$/, unit('kbps', 0)],
  [/_px$/, unit('px', 0)],
];

export function keyLabel(key: string): string {
  const known = KNOWN_KEYS[key];
  if (known) return known.label;
  const words = key.replace(/_(bytes|lufs|lu|dbtp|db|per_s|s|ms|mm|ppi|kbps|px|percent|pt)$/, (m) => (m === '_per_s' ? ' a second' : '')).replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value of `key` in people's units: numbers with their unit, lists joined, objects as "a, b". */
export function formatValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    const known = KNOWN_KEYS[key]?.format;
    if (known) return known(value);
    const bySuffix = SUFFIX_UNITS.find(([re]) => re.test(key))?.[1];
    return bySuffix ? bySuffix(value) : formatNumber(value, 3);
  }
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((v) => formatValue(key, v));
    return value.length > shown.length ? `${shown.join(', ')} +${value.length - shown.length} more` : shown.join(', ');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => (typeof v === 'string' ? v : `${keyLabel(k).toLowerCase()} ${formatValue(k, v)}`))
      .join(', ');
  }
  return String(value);
}

/**
 * The key/value pairs worth showing, labelled: a string that restates a `_bytes` number
 * ("size": "7.7 KB" beside size_bytes) is dropped.
 */
export function labelledValues(obj: Record<string, unknown> | undefined): Array<{ label: string; value: string }> {
  if (!obj) return [];
  return Object.entries(obj)
    .filter(([k, v]) => !(typeof v === 'string' && `${k}_bytes` in obj))
    .map(([k, v]) => ({ label: keyLabel(k), value: formatValue(k, v) }));
}

/** "1–3, 5, 7–9": page numbers as people write them. */
export function pageRanges(pages: readonly number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(', ');
}
