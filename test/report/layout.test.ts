/**
 * The report on a phone, in a real browser: each fixture report (from real QC runs) rendered at
 * 390 px in Chromium must not scroll sideways and must have no text under 11 px — HTML text by
 * its computed size, SVG text by its size after the chart's viewBox scaling.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { CHROMIUM_ARGS, findChromium } from '../../src/report/pdf.js';
import type { QcReport } from '../../src/report/schema.js';
import { tempDir, testRuntime } from '../helpers/runtime.js';
import { buildFixtureReports, type FixtureReportName } from './fixture-reports.js';

let browser: Browser;
let reports: Record<FixtureReportName, QcReport>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const { path, problem } = await findChromium(process.env);
  if (!path) throw new Error(`the report layout test needs Chromium: ${problem}`);
  browser = await chromium.launch({ executablePath: path, args: CHROMIUM_ARGS });
  const t = await tempDir();
  cleanup = t.cleanup;
  reports = await buildFixtureReports(await testRuntime(), t.dir);
});
afterAll(async () => {
  await browser?.close();
  await cleanup?.();
});

interface Layout {
  viewport: number;
  scrollWidth: number;
  overflowing: string[];
  smallest: { px: number; text: string };
  texts: number;
}

/** Runs in the page (browser code, kept as text so the Node typecheck needs no DOM types). */
const MEASURE_IN_PAGE = `(() => {
  const vw = document.documentElement.clientWidth;
  const overflowing = [];
  let smallest = { px: Infinity, text: '' };
  let texts = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) overflowing.push(el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '') + ' ' + Math.round(r.left) + '–' + Math.round(r.right));
    const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
    if (!ownText || r.width === 0) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGGraphicsElement) {
      // The viewBox scale (rotation-proof: the length of the CTM's x column).
      const m = el.getScreenCTM();
      if (m) px *= Math.hypot(m.a, m.b);
    }
    texts++;
    if (px < smallest.px) smallest = { px, text: el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 40) };
  }
  return { viewport: vw, scrollWidth: document.documentElement.scrollWidth, overflowing, smallest, texts };
})()`;

/** Measured in the page (the report itself has no script; the test evaluates over DevTools). */
async function measure(html: string, width: number): Promise<Layout> {
  const page = await browser.newPage({ viewport: { width, height: 800 }, bypassCSP: true });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    // Details toggles opened: what they hide must fit too.
    await page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))");
    return await page.evaluate<Layout>(MEASURE_IN_PAGE);
  } finally {
    await page.close();
  }
}

describe('report layout at 390 px in Chromium', () => {
  for (const name of ['pass-image', 'fail-image', 'pdf-23-pages', 'video-segments', 'error'] as const) {
    it(`${name}: no sideways scrolling, no text under 11 px`, async () => {
      const layout = await measure(renderHtml(reports[name]), 390);
      expect(layout.texts).toBeGreaterThan(10);
      expect(layout.overflowing, 'elements wider than the screen').toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.viewport);
      expect(layout.smallest.px, `smallest text: ${layout.smallest.text}`).toBeGreaterThanOrEqual(11);
    });
  }

  it('the video report holds a loudness chart and a segment timeline; the PDF report its pages with a legend', () => {
    expect(renderHtml(reports['video-segments'])).toContain('aria-label="Loudness over time"');
    expect(renderHtml(reports['video-segments'])).toContain('aria-label="Timeline of black, frozen and silent stretches"');
    expect(renderHtml(reports['pdf-23-pages'])).toMatch(/Pages with findings[\s\S]*class="legend"/);
  });
});
