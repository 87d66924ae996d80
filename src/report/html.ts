/**
 * The HTML report (DESIGN §3, §11), rendered from the report JSON alone: self-contained (inline
 * CSS, images as data URIs, inline SVG pictures), no script and a CSP that forbids it and any
 * fetch, every string from the asset, a profile, a client or a model escaped. Readable at
 * 390 px, at 1280 px and on paper; the PDF rendition (pdf.ts) prints this same page.
 */
import { REPORT_CSS } from './css.js';
import { inkCoverageFigure } from './figures/pdf-ink.js';
import { loudnessChart, pdfPages, segmentTimeline, truePeakMarkers } from './charts.js';
import { avDepthFigures } from './figures/av-depth.js';
import { escapeHtml, safeImageUri } from './escape.js';
import { brandColourSwatches } from './figures/image-brand-colours.js';
import { safeZoneOverlay } from './figures/image-safe-zones.js';
import { EVIDENCE_LINES_SHOWN, groupEvidence, seriesOf, type CheckRow, type EvidenceStill } from './evidence.js';
import { buildReportModel, STATUS_LABEL, VERDICT_LABEL, VERDICT_LINE, type FixItem } from './model.js';
import type { QcReport } from './schema.js';
import { formatBytes, formatNumber, labelledValues } from './units.js';

export { escapeHtml } from './escape.js';

const capitalise = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

function keyValues(obj: Record<string, unknown> | undefined): string {
  const pairs = labelledValues(obj);
  if (pairs.length === 0) return '';
  return `<dl class="kv">${pairs.map((p) => `<dt>${escapeHtml(p.label)}</dt><dd>${escapeHtml(p.value)}</dd>`).join('')}</dl>`;
}

function stillFigure(s: EvidenceStill): string {
  const frame = (uri: string | undefined, label: string) => {
    const safe = safeImageUri(uri);
    return safe ? `<div><img src="${safe}" alt="${escapeHtml(label)}"><span>${escapeHtml(label)}</span></div>` : '';
  };
  const inside = frame(s.image, 'during');
  if (!inside) return '';
  const around = s.before || s.after;
  return `<figure class="still${around ? ' around' : ''}">${around ? `<div class="frames">${frame(s.before, 'just before')}${inside}${frame(s.after, 'just after')}</div>` : inside}<figcaption>${escapeHtml(s.caption)}</figcaption></figure>`;
}

function evidenceBlock(check: CheckRow): string {
  const { lines, stills } = groupEvidence(check.evidence);
  if (lines.length === 0 && stills.length === 0) return '';
  const li = (l: { text: string }) => `<li>${escapeHtml(l.text)}</li>`;
  const shown = lines.slice(0, EVIDENCE_LINES_SHOWN).map(li).join('');
  const rest = lines.slice(EVIDENCE_LINES_SHOWN);
  const more = rest.length ? `<details><summary>+${rest.length} more</summary><ul>${rest.map(li).join('')}</ul></details>` : '';
  const figures = stills.map(stillFigure).filter(Boolean);
  return `<div class="evidence wide">${shown ? `<ul>${shown}</ul>` : ''}${more}${figures.length ? `<div class="stills">${figures.join('')}</div>` : ''}</div>`;
}

function findingCard(check: CheckRow): string {
  const measured = keyValues(check.measured);
  const expected = keyValues(check.expected);
  const values = measured || expected ? `<div class="values">${measured ? `<section><h4>Measured</h4>${measured}</section>` : ''}${expected ? `<section><h4>Expected</h4>${expected}</section>` : ''}</div>` : '';
  return `<article class="card">
<div class="card-main"><div class="card-head"><span class="pill ${check.status}">${escapeHtml(STATUS_LABEL[check.status])}</span><h3>${escapeHtml(check.name)}</h3></div>
<p class="message">${escapeHtml(capitalise(check.message))}</p>
<details class="tech"><summary>Check details</summary>Check <code>${escapeHtml(check.id)}</code> · severity ${escapeHtml(check.severity)}${check.weight !== undefined ? ` · weight ${escapeHtml(check.weight)}` : ''} · ${escapeHtml(formatNumber(check.duration_ms / 1000, 2))} s</details></div>
${values}${evidenceBlock(check)}
</article>`;
}

function fixList(title: string, items: readonly FixItem[], look: boolean): string {
  if (items.length === 0) return '';
  return `<section class="fix${look ? ' look' : ''}"><h2>${escapeHtml(title)}</h2><ol>${items.map((i) => `<li><strong>${escapeHtml(i.name)}:</strong> ${escapeHtml(i.sentence)}</li>`).join('')}</ol></section>`;
}

function pictures(report: QcReport): string {
  const loudness = report.checks.find((c) => c.id === 'audio.loudness' && c.status !== 'skipped');
  const series = loudness ? seriesOf(loudness) : undefined;
  const parts = [
    series ? `<h3>Loudness over time</h3>${loudnessChart(series, truePeakMarkers(report.checks.find((c) => c.id === 'audio.true_peak')))}` : '',
    (() => {
      const t = segmentTimeline(report);
      return t ? `<h3>Black, frozen and silent stretches</h3>${t}` : '';
    })(),
    avDepthFigures(report),
    (() => {
      const p = pdfPages(report);
      return p ? `<h3>Pages with findings</h3>${p}` : '';
    })(),
    ((s) => (s ? `<h3>Brand colours found</h3>${s}` : ''))(brandColourSwatches(report)),
    ((s) => (s ? `<h3>Text under the platform’s interface</h3>${s}` : ''))(safeZoneOverlay(report)),
    ((f) => (f ? `<h3>Ink coverage</h3>${f}` : ''))(inkCoverageFigure(report)),
  ].filter(Boolean);
  return parts.length ? `<section class="glance"><h2>At a glance</h2>${parts.join('')}</section>` : '';
}

function assetFacts(report: QcReport): Record<string, unknown> {
  return { kind: report.asset.kind, format: report.asset.format.toUpperCase(), size_bytes: report.asset.size_bytes, ...report.asset.info };
}

export function renderHtml(report: QcReport): string {
  const model = buildReportModel(report);
  const v = report.verdict;
  const thumb = safeImageUri(report.asset.thumbnail);
  const score = model.score !== undefined ? `<span class="score ${v}" title="Score out of 100"><b>${model.score}</b> / 100</span>` : '';
  const unreadable = model.unreadable
    ? `<section class="unreadable"><dl><dt>What happened</dt><dd>${escapeHtml(model.unreadable.cause)}</dd><dt>What to do</dt><dd>${escapeHtml(model.unreadable.whatToDo)}</dd></dl></section>`
    : '';
  const passed = model.passed.length
    ? `<section class="passed"><h2>Passed (${model.passed.length})</h2><ul>${model.passed.map((c) => `<li><strong>${escapeHtml(c.name)}</strong> — ${escapeHtml(capitalise(c.message))}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>QC ${escapeHtml(VERDICT_LABEL[v])} — ${escapeHtml(report.asset.name)}</title>
<style>${REPORT_CSS}</style></head>
<body><main>
<header class="top">
<div>
<div class="verdict-row"><span class="verdict bg-${v}">${escapeHtml(VERDICT_LABEL[v])}</span>${score}</div>
<h1>${escapeHtml(report.asset.name)}</h1>
<p>${escapeHtml(VERDICT_LINE[v])}</p>
<p class="asset-line">${escapeHtml(report.asset.kind)} · ${escapeHtml(report.asset.format.toUpperCase())} · ${escapeHtml(formatBytes(report.asset.size_bytes))} · checked against <strong>${escapeHtml(report.profile.name)}</strong></p>
${unreadable}
</div>
${thumb ? `<div class="thumb"><img src="${thumb}" alt="Preview of ${escapeHtml(report.asset.name)}"></div>` : ''}
</header>
${fixList('To fix before delivery', model.toFix, false)}
${fixList('Worth a look', model.worthALook, true)}
${model.skippedLine ? `<p class="muted">${escapeHtml(model.skippedLine)}</p>` : ''}
${pictures(report)}
${model.findings.length ? `<section><h2>Findings</h2>${model.findings.map(findingCard).join('\n')}</section>` : ''}
${passed}
<section class="info"><h2>About the file</h2>${keyValues(assetFacts(report))}</section>
<footer>aiqc ${escapeHtml(report.tool.version)} · profile ${escapeHtml(report.profile.id)} · session ${escapeHtml(report.session_id)} · started ${escapeHtml(report.started_at)} · took ${escapeHtml(formatNumber(report.duration_ms / 1000, 1))} s · SHA-256 ${escapeHtml(report.asset.sha256)}</footer>
</main></body></html>
`;
}
