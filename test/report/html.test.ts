import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QcRuntime } from '../../src/app/runtime.js';
import { renderHtml } from '../../src/report/html.js';
import type { QcReport } from '../../src/report/schema.js';
import { makeImage } from '../helpers/images.js';
import { tempDir, testRuntime } from '../helpers/runtime.js';

let rt: QcRuntime;
let dir: string;
let cleanup: () => Promise<void>;
let report: QcReport;
beforeAll(async () => {
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
  report = await rt.run({ path: await makeImage(dir, 'card.jpg', { colour: 'cmyk' }), name: '<img src=x onerror=alert(1)>.jpg', profile: rt.profiles.get('static_general') });
});
afterAll(() => cleanup());

describe('HTML report', () => {
  it('escapes everything that came from the asset', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.jpg');
  });

  it('is self-contained: inline CSS, the thumbnail as a data URI, nothing fetched', () => {
    const html = renderHtml(report);
    expect(report.asset.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    expect(html).toContain(`src="${report.asset.thumbnail}"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
  });

  it('shows score, verdict, and each check with measured and expected values, failures first', () => {
    const html = renderHtml(report);
    expect(html).toContain(`<b>${report.score}</b>`);
    expect(html).toContain('FAIL');
    const failAt = html.indexOf('image.colorspace');
    const passAt = html.indexOf('file.readable');
    expect(failAt).toBeGreaterThan(0);
    expect(failAt).toBeLessThan(passAt);
    expect(html).toMatch(/<dt>colorspace<\/dt><dd>cmyk<\/dd>/);
  });

  it('renders evidence: segments, a series plot and stills; refuses non-data image URIs', () => {
    const withEvidence: QcReport = {
      ...report,
      checks: [
        {
          id: 'audio.loudness', name: 'Integrated loudness', severity: 'error', status: 'fail', message: 'too loud', duration_ms: 1,
          evidence: [
            { label: 'short-term loudness', series: { x_label: 's', y_label: 'LUFS', points: [[0, -14], [1, -15], [2, -13]], band: { min: -24, max: -22 } } },
            { start_s: 1.5, end_s: 3, label: 'black' },
            { image: 'javascript:alert(1)' as unknown as string, label: 'evil' },
          ],
        },
      ],
    };
    const html = renderHtml(withEvidence);
    expect(html).toContain('<svg viewBox');
    expect(html).toContain('0:01.50–0:03.00 · black');
    expect(html).not.toContain('javascript:');
  });
});
