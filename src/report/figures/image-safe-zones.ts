/**
 * The safe-zone overlay for `image.safe_zones`: the image's thumbnail with the platform's
 * interface areas shaded and the text found in them boxed in red. Drawn from the report JSON
 * alone (zones from `expected.zones`, boxes from the evidence), inline SVG, texts escaped.
 */
import { escapeHtml, safeImageUri } from '../escape.js';
import type { QcReport } from '../schema.js';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));
const isBox = (v: unknown): v is Box & Record<string, unknown> =>
  typeof v === 'object' && v !== null && ['x', 'y', 'w', 'h'].every((k) => typeof (v as Record<string, unknown>)[k] === 'number');

/** The overlay, or '' when the check found nothing to draw (it passed, was skipped, or has no zones). */
export function safeZoneOverlay(report: QcReport): string {
  const check = report.checks.find((c) => c.id === 'image.safe_zones' && (c.status === 'fail' || c.status === 'warn'));
  const zones = Array.isArray(check?.expected?.['zones']) ? (check.expected['zones'] as unknown[]).filter(isBox) : [];
  if (!check || zones.length === 0) return '';
  const width = Number(report.asset.info['width']) || 1080;
  const height = Number(report.asset.info['height']) || 1920;
  const vbW = 270;
  const vbH = Math.round((vbW * height) / width);
  const thumb = safeImageUri(report.asset.thumbnail);
  const rect = (b: Box, attrs: string) =>
    `<rect x="${(clamp(b.x) * vbW).toFixed(1)}" y="${(clamp(b.y) * vbH).toFixed(1)}" width="${(clamp(b.w) * vbW).toFixed(1)}" height="${(clamp(b.h) * vbH).toFixed(1)}" ${attrs}/>`;
  const shaded = zones.map((z) => rect(z, 'fill="#1e88e5" fill-opacity="0.28" stroke="#1e88e5" stroke-dasharray="4 3"')).join('');
  const marks = (check.evidence ?? [])
    .filter((e) => e.box)
    .slice(0, 40)
    .map((e) => `${rect(e.box!, 'fill="none" stroke="#d32f2f" stroke-width="2.5"')}`)
    .join('');
  const background = thumb ? `<image href="${thumb}" x="0" y="0" width="${vbW}" height="${vbH}" preserveAspectRatio="none"/>` : `<rect x="0" y="0" width="${vbW}" height="${vbH}" fill="#f3f4f6"/>`;
  const names = zones.map((z) => (typeof z['name'] === 'string' ? z['name'] : '')).filter(Boolean);
  return `<figure class="picture safe-zones"><svg viewBox="0 0 ${vbW} ${vbH}" role="img" aria-label="The image with the platform's interface areas shaded and the text inside them boxed" style="max-width:270px;width:100%;height:auto;display:block;border:1px solid #0002">${background}${shaded}${marks}</svg><figcaption>Shaded: where the ${escapeHtml(String(check.expected?.['platform'] ?? ''))} interface covers the picture (${escapeHtml(names.join(', '))}). Red: text found there.</figcaption></figure>`;
}
