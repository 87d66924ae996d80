/**
 * The HTML report, rendered from the report JSON alone (DESIGN §3): self-contained (inline
 * CSS, images as data URIs), every string from the asset or a model escaped, readable on
 * screen and on paper.
 */
import type { QcReport } from './schema.js';

type CheckRow = QcReport['checks'][number];
type EvidenceItem = NonNullable<CheckRow['evidence']>[number];

const STATUS_LABEL: Record<CheckRow['status'], string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail', skipped: 'Skipped', error: 'Error' };
const VERDICT_LABEL: Record<QcReport['verdict'], string> = { pass: 'PASS', warn: 'PASS WITH WARNINGS', fail: 'FAIL', error: 'COULD NOT CHECK' };
const STATUS_ORDER: Record<CheckRow['status'], number> = { error: 0, fail: 1, warn: 2, pass: 3, skipped: 4 };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Only our own inline raster images may become an <img src>: nothing that could fetch or run. */
function safeImageUri(uri: string | undefined): string | undefined {
  return uri && /^data:image\/(jpeg|png|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(uri) ? uri : undefined;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${formatValue(v)}`).join('; ');
  return String(value);
}

function keyValues(obj: Record<string, unknown> | undefined): string {
  if (!obj || Object.keys(obj).length === 0) return '<span class="muted">—</span>';
  return `<dl>${Object.entries(obj)
    .map(([k, v]) => `<dt>${escapeHtml(k.replace(/_/g, ' '))}</dt><dd>${escapeHtml(formatValue(v))}</dd>`)
    .join('')}</dl>`;
}

function timecode(s: number): string {
  const m = Math.floor(s / 60);
  const sec = s - m * 60;
  return `${m}:${sec.toFixed(2).padStart(5, '0')}`;
}

function renderSeries(series: NonNullable<EvidenceItem['series']>, label: string | undefined): string {
  const pts = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) return '';
  const W = 640;
  const H = 180;
  const pad = { l: 44, r: 10, t: 10, b: 26 };
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const band = series.band;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs, xMin + 1e-9);
  let yMin = Math.min(...ys, band?.min ?? Infinity);
  let yMax = Math.max(...ys, band?.max ?? -Infinity);
  if (yMax - yMin < 1) {
    yMin -= 0.5;
    yMax += 0.5;
  }
  const sx = (x: number) => pad.l + ((x - xMin) / (xMax - xMin)) * (W - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - (y - yMin) / (yMax - yMin)) * (H - pad.t - pad.b);
  const path = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
  const bandRect = band
    ? `<rect class="band" x="${pad.l}" y="${sy(band.max).toFixed(1)}" width="${W - pad.l - pad.r}" height="${Math.max(1, sy(band.min) - sy(band.max)).toFixed(1)}"/>`
    : '';
  const ticks = [yMin, (yMin + yMax) / 2, yMax]
    .map((y) => `<text x="${pad.l - 4}" y="${sy(y).toFixed(1)}" class="tick" text-anchor="end" dominant-baseline="middle">${escapeHtml(y.toFixed(1))}</text>`)
    .join('');
  return `<figure class="plot"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label ?? series.y_label)}">
${bandRect}<path class="line" d="${path}"/>
<line class="axis" x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}"/>${ticks}
<text x="${pad.l}" y="${H - 6}" class="tick">${escapeHtml(xMin.toFixed(1))}</text><text x="${W - pad.r}" y="${H - 6}" class="tick" text-anchor="end">${escapeHtml(xMax.toFixed(1))} ${escapeHtml(series.x_label)}</text>
</svg><figcaption>${escapeHtml(label ?? '')} — ${escapeHtml(series.y_label)}${band ? ` (target band ${escapeHtml(band.min)} to ${escapeHtml(band.max)})` : ''}</figcaption></figure>`;
}

function renderEvidence(items: readonly EvidenceItem[] | undefined): string {
  if (!items || items.length === 0) return '';
  const parts: string[] = [];
  const listed: string[] = [];
  for (const e of items) {
    if (e.series) {
      parts.push(renderSeries(e.series, e.label));
      continue;
    }
    const image = safeImageUri(e.image);
    const where = [
      e.page !== undefined ? `page ${e.page}` : '',
      e.start_s !== undefined ? `${timecode(e.start_s)}${e.end_s !== undefined ? `–${timecode(e.end_s)}` : ''}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const text = [where, e.label ?? '', e.detail ? formatValue(e.detail) : ''].filter(Boolean).join(' · ');
    if (image) parts.push(`<figure class="still"><img src="${image}" alt="${escapeHtml(e.label ?? 'evidence')}"><figcaption>${escapeHtml(text)}</figcaption></figure>`);
    else if (text) listed.push(`<li>${escapeHtml(text)}</li>`);
  }
  const shown = listed.slice(0, 50);
  const more = listed.length > shown.length ? `<li class="muted">… and ${listed.length - shown.length} more</li>` : '';
  return `<div class="evidence">${parts.join('')}${shown.length ? `<ul>${shown.join('')}${more}</ul>` : ''}</div>`;
}

/** Boxes (0..1 fractions) drawn over the thumbnail, for evidence that is about the picture. */
function overlays(report: QcReport): string {
  const boxes: string[] = [];
  for (const check of report.checks) {
    if (check.status === 'pass' || check.status === 'skipped') continue;
    for (const e of check.evidence ?? []) {
      if (!e.box || (e.page !== undefined && e.page !== 1)) continue;
      const { x, y, w, h } = e.box;
      const pct = (v: number) => `${(Math.min(1, Math.max(0, v)) * 100).toFixed(2)}%`;
      boxes.push(`<span class="mark ${check.status}" style="left:${pct(x)};top:${pct(y)};width:${pct(w)};height:${pct(h)}" title="${escapeHtml(`${check.name}: ${e.label ?? ''}`)}"></span>`);
    }
  }
  return boxes.slice(0, 200).join('');
}

const CSS = `
:root{--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e;--error:#8250df;--skipped:#6e7781;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
main{max-width:1080px;margin:0 auto;padding:24px}
header.summary{display:grid;grid-template-columns:auto 1fr auto;gap:24px;align-items:center;border:1px solid var(--line);border-radius:10px;padding:20px;background:var(--bg)}
.score{width:112px;height:112px;border-radius:50%;display:flex;flex-direction:column;align-items:center;justify-content:center;border:8px solid currentColor;font-weight:700}
.score b{font-size:34px;line-height:1}.score small{font-size:11px;color:var(--muted);font-weight:600}
.verdict{display:inline-block;padding:4px 10px;border-radius:6px;color:#fff;font-weight:700;letter-spacing:.04em;font-size:13px}
h1{font-size:20px;margin:6px 0 4px;word-break:break-all}h2{font-size:16px;margin:28px 0 10px}
.muted{color:var(--muted)}.counts span{margin-right:12px;white-space:nowrap}
.thumb{position:relative;display:inline-block;max-width:280px;line-height:0}.thumb img{max-width:280px;max-height:220px;border:1px solid var(--line);border-radius:6px;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 0 0/16px 16px}
.mark{position:absolute;border:2px solid var(--fail);border-radius:2px}.mark.warn{border-color:var(--warn)}
.pass{color:var(--pass)}.warn{color:var(--warn)}.fail{color:var(--fail)}.error{color:var(--error)}.skipped{color:var(--skipped)}
.bg-pass{background:var(--pass)}.bg-warn{background:var(--warn)}.bg-fail{background:var(--fail)}.bg-error{background:var(--error)}
.error-box{border:1px solid var(--error);border-left-width:6px;border-radius:6px;padding:12px 14px;margin-top:16px;background:#fbefff}
table{width:100%;border-collapse:collapse;table-layout:fixed}th,td{text-align:left;vertical-align:top;padding:10px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
td.status{white-space:nowrap;font-weight:700}td.status::before{content:"";display:inline-block;width:10px;height:10px;border-radius:50%;background:currentColor;margin-right:6px;vertical-align:baseline}
.check-id{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--muted)}.sev{font-size:11px;color:var(--muted);text-transform:uppercase}
dl{margin:0;display:grid;grid-template-columns:minmax(0,max-content) minmax(6ch,1fr);gap:2px 10px}dt{color:var(--muted);overflow-wrap:break-word}dd{margin:0;overflow-wrap:break-word;min-width:0}
col.c-status{width:92px}col.c-check{width:170px}col.c-finding{width:36%}
.evidence{margin-top:8px}.evidence ul{margin:4px 0;padding-left:18px}.still{display:inline-block;margin:4px 8px 4px 0;max-width:100%}.still img{max-width:min(100%,440px);max-height:220px;border:1px solid var(--line);border-radius:4px}
figure{margin:6px 0}figcaption{font-size:12px;color:var(--muted)}.plot svg{width:100%;max-width:640px;height:auto;border:1px solid var(--line);border-radius:4px;background:#fff}
.plot .band{fill:#2da44e22;stroke:#2da44e66}.plot .line{fill:none;stroke:#0969da;stroke-width:1.5}.plot .axis{stroke:#8c959f}.plot .tick{font-size:10px;fill:var(--muted)}
.info dl{grid-template-columns:repeat(2,max-content 1fr)}
footer{margin-top:28px;font-size:12px;color:var(--muted);border-top:1px solid var(--line);padding-top:10px}
@media print{main{padding:0;max-width:none}header.summary{break-inside:avoid;background:#fff}tr{break-inside:avoid}.verdict,.score,.bg-pass,.bg-warn,.bg-fail,.bg-error,td.status::before{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@media (max-width:720px){header.summary{grid-template-columns:1fr}.info dl{grid-template-columns:max-content 1fr}}
`;

export function renderHtml(report: QcReport): string {
  const v = report.verdict;
  const counts = (['fail', 'error', 'warn', 'pass', 'skipped'] as const)
    .map((s) => ({ s, n: report.checks.filter((c) => c.status === s).length }))
    .filter((c) => c.n > 0)
    .map((c) => `<span class="${c.s}">${c.n} ${escapeHtml(STATUS_LABEL[c.s].toLowerCase())}</span>`)
    .join('');
  const thumb = safeImageUri(report.asset.thumbnail);
  const rows = [...report.checks]
    .map((c, i) => ({ c, i }))
    .sort((a, b) => STATUS_ORDER[a.c.status] - STATUS_ORDER[b.c.status] || a.i - b.i)
    .map(
      ({ c }) => `<tr>
<td class="status ${c.status}">${escapeHtml(STATUS_LABEL[c.status])}</td>
<td><strong>${escapeHtml(c.name)}</strong><div class="check-id">${escapeHtml(c.id)} <span class="sev">· severity ${escapeHtml(c.severity)}</span></div></td>
<td>${escapeHtml(c.message)}${renderEvidence(c.evidence)}</td>
<td>${keyValues(c.measured)}</td>
<td>${keyValues(c.expected)}</td>
</tr>`,
    )
    .join('\n');
  const info = { kind: report.asset.kind, format: report.asset.format, size_bytes: report.asset.size_bytes, ...report.asset.info };

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>QC ${escapeHtml(VERDICT_LABEL[v])} — ${escapeHtml(report.asset.name)}</title>
<style>${CSS}</style></head>
<body><main>
<header class="summary">
<div class="score ${v}" title="Score out of 100"><b>${report.score}</b><small>/ 100</small></div>
<div>
<span class="verdict bg-${v}">${escapeHtml(VERDICT_LABEL[v])}</span>
<h1>${escapeHtml(report.asset.name)}</h1>
<div class="muted">Profile <strong>${escapeHtml(report.profile.name)}</strong> (${escapeHtml(report.profile.id)}) · ${escapeHtml(report.asset.kind)} · ${escapeHtml(report.asset.format.toUpperCase())}</div>
<div class="counts">${counts}</div>
</div>
${thumb ? `<div class="thumb"><img src="${thumb}" alt="Thumbnail of ${escapeHtml(report.asset.name)}">${overlays(report)}</div>` : '<div></div>'}
</header>
${report.error ? `<div class="error-box"><strong>The file could not be checked.</strong> ${escapeHtml(report.error)}</div>` : ''}
<h2>Checks</h2>
<table><colgroup><col class="c-status"><col class="c-check"><col class="c-finding"><col><col></colgroup><thead><tr><th>Status</th><th>Check</th><th>Finding</th><th>Measured</th><th>Expected</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<section class="info"><h2>Asset</h2>${keyValues(info)}</section>
<footer>aiqc ${escapeHtml(report.tool.version)} · session ${escapeHtml(report.session_id)} · started ${escapeHtml(report.started_at)} · ${escapeHtml((report.duration_ms / 1000).toFixed(1))} s · SHA-256 ${escapeHtml(report.asset.sha256)}</footer>
</main></body></html>
`;
}
