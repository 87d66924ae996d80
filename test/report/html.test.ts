import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beginText, endText, moveText, PDFDocument, PDFHexString, PDFName, setFontAndSize, showText } from 'pdf-lib';
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
const HOSTILE_NAME = '<img src=x onerror=alert(1)>.jpg';
const HOSTILE_FONT = '<script>alert(2)</script>';

/** A one-page PDF whose font is named by the attacker (BaseFont is any PDF name). */
async function hostileFontPdf(path: string): Promise<string> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = doc.context.register(doc.context.obj({ Type: 'Font', Subtype: 'Type1', BaseFont: PDFName.of(HOSTILE_FONT), Encoding: 'WinAnsiEncoding' }));
  page.node.setFontDictionary(PDFName.of('F1'), font);
  page.pushOperators(beginText(), setFontAndSize('F1', 24), moveText(72, 700), showText(PDFHexString.fromText('Hello')), endText());
  await writeFile(path, await doc.save());
  return path;
}

beforeAll(async () => {
  rt = await testRuntime();
  ({ dir, cleanup } = await tempDir());
  report = await rt.run({ path: await makeImage(dir, 'card.jpg', { colour: 'cmyk' }), name: HOSTILE_NAME, profile: rt.profiles.get('static_general') });
});
afterAll(() => cleanup());

const PAYLOAD = (n: number) => `"'><b id=h${n}>&x</b>`;

/**
 * Every string an attacker can reach — file name, OCR'd text in messages and labels, PDF font
 * names, metadata in asset.info (keys too), profile and client names — replaced by a tag that
 * must come out escaped. Data URIs, ids with fixed formats and enums are left alone (the schema
 * constrains them).
 */
function hostile(value: unknown, counter: { n: number }, key = ''): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('data:') || ['session_id', 'sha256', 'started_at', 'kind', 'status', 'severity', 'verdict'].includes(key)) return value;
    return PAYLOAD(counter.n++);
  }
  if (Array.isArray(value)) return value.map((v) => hostile(v, counter, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [key === 'info' || key === 'measured' || key === 'expected' || key === 'detail' ? PAYLOAD(counter.n++) : k, hostile(v, counter, k)]));
  }
  return value;
}

describe('HTML report', () => {
  it('escapes everything an attacker controls: file name, PDF font names, OCR text, metadata, profile and client names', async () => {
    const fromImage = renderHtml(report);
    expect(fromImage).toContain('&lt;img src=x onerror=alert(1)&gt;.jpg');
    expect(fromImage).not.toMatch(/<img src=x/);

    const pdfReport = await rt.run({ path: await hostileFontPdf(join(dir, 'fonts.pdf')), name: 'fonts.pdf', profile: rt.profiles.get('print_pdf_general') });
    const fonts = pdfReport.checks.find((c) => c.id === 'pdf.fonts_embedded')!;
    expect(fonts.status).toBe('fail');
    const fromPdf = renderHtml(pdfReport);
    expect(fromPdf).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(fromPdf).not.toContain('<script');

    // Every other string field, as OCR text, metadata or a client's name would arrive in them.
    const counter = { n: 0 };
    const withEvidence: QcReport = {
      ...report,
      checks: [
        ...report.checks,
        {
          id: 'text.spelling', name: 'Spelling', severity: 'warning', status: 'warn', message: 'OCR read "x"', duration_ms: 1,
          measured: { words: 3, misspelt: ['a'] }, expected: { languages: ['en'] },
          evidence: [{ page: 1, label: 'ocr word', box: { x: 0.1, y: 0.1, w: 0.2, h: 0.1 }, detail: { text: 'ocr', font: 'f' } }, { start_s: 1, end_s: 2, label: 'segment' }],
        },
      ],
    };
    const hostileReport = hostile({ ...withEvidence, error: 'x', profile: { id: 'client_profile', name: 'Client name' } }, counter) as QcReport;
    const html = renderHtml(hostileReport);
    expect(counter.n).toBeGreaterThan(30);
    expect(html).not.toMatch(/<b id=h\d+>/);
    // Escaped, not dropped: the file name, profile (client) name, a check name, a message and an info key all appear.
    const shown = [...html.matchAll(/&quot;&#39;&gt;&lt;b id=h(\d+)&gt;&amp;x&lt;\/b&gt;/g)].length;
    expect(shown).toBeGreaterThan(20);
  });

  it('is self-contained: inline CSS, the thumbnail as a data URI, no script, nothing fetched', () => {
    const html = renderHtml(report);
    expect(report.asset.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    expect(html).toContain(`src="${report.asset.thumbnail}"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("default-src 'none'");
  });

  it('puts the verdict, the score and "to fix before delivery" first, each failure as a sentence with its fix', () => {
    const html = renderHtml(report);
    expect(html).toContain(`<b>${report.score}</b> / 100`);
    expect(html).toContain('>FAIL<');
    const fixAt = html.indexOf('To fix before delivery');
    const colour = report.checks.find((c) => c.id === 'image.colorspace')!;
    expect(colour.status).toBe('fail');
    expect(html.indexOf(`<strong>Colour space:</strong>`, fixAt)).toBeGreaterThan(fixAt);
    expect(html.indexOf('Passed (')).toBeGreaterThan(html.indexOf('Findings'));
    // Check ids and severities sit behind a details toggle.
    expect(html).toMatch(/<details class="tech"><summary>Check details<\/summary>Check <code>image\.colorspace<\/code> · severity error/);
  });

  it('groups repeated evidence, folds the rest into "+N more", and shows values in people\'s units', () => {
    const pages = Array.from({ length: 23 }, (_, i) => ({ page: i + 1, label: 'no bleed box', detail: { left_mm: 0, has_bleed_box: false } }));
    const fonts = Array.from({ length: 6 }, (_, i) => ({ page: i + 1, label: `Font${i} not embedded`, detail: { subset: false, object: `${i} 0` } }));
    const html = renderHtml({
      ...report,
      asset: { ...report.asset, size_bytes: 481_200 },
      checks: [
        { id: 'pdf.bleed', name: 'Bleed', severity: 'error', status: 'fail', message: 'no bleed', duration_ms: 1, evidence: pages, measured: { lra_lu: 17.3, max_bytes: 4_000_000_000 } },
        { id: 'pdf.fonts_embedded', name: 'Fonts', severity: 'error', status: 'fail', message: 'fonts', duration_ms: 1, evidence: fonts },
      ],
    });
    expect(html).toContain('<li>Pages 1–23: no bleed box</li>');
    expect(html).not.toContain('left_mm');
    expect(html).not.toContain('object: ');
    expect(html).toContain('<summary>+2 more</summary>');
    expect(html).toContain('<dt>Loudness range</dt><dd>17.3\u00a0LU</dd>');
    expect(html).toContain('<dd>4\u00a0GB</dd>');
    expect(html).toContain('481\u00a0KB');
  });

  it('for an unreadable file: no score, the cause and what to do without library text, skipped checks in one line', async () => {
    const { makeTruncatedJpeg } = await import('../helpers/images.js');
    const broken = await rt.run({ path: await makeTruncatedJpeg(dir, 'hero.jpg'), profile: rt.profiles.get('static_general') });
    expect(broken.verdict).toBe('error');
    expect(broken.error).toMatch(/premature end|\(/);
    const html = renderHtml(broken);
    expect(html).not.toContain('/ 100');
    expect(html).toContain('<dt>What happened</dt><dd>The image data is damaged or incomplete.</dd>');
    expect(html).toMatch(/<dt>What to do<\/dt><dd>Re-export hero\.jpg and upload it again\.<\/dd>/);
    expect(html).not.toMatch(/premature end/i);
    const skipped = broken.checks.filter((c) => c.status === 'skipped').length;
    expect(html).toContain(`${skipped} checks were not run because the file could not be read`);
    expect(html).not.toContain('Not run</span>');
  });

  it('draws evidence: a loudness chart with band and true-peak marker, stills with frames either side; refuses non-data image URIs', () => {
    const still = report.asset.thumbnail!;
    const withEvidence: QcReport = {
      ...report,
      asset: { ...report.asset, kind: 'video', info: { duration_s: 5 } },
      checks: [
        {
          id: 'audio.loudness', name: 'Integrated loudness', severity: 'error', status: 'fail', message: 'too loud', duration_ms: 1,
          evidence: [{ label: 'short-term loudness', series: { x_label: 'time (s)', y_label: 'LUFS', points: [[0, -14], [1, -15], [2, -13]], band: { min: -24, max: -22 } } }],
        },
        { id: 'audio.true_peak', name: 'True peak', severity: 'error', status: 'fail', message: 'over', duration_ms: 1, evidence: [{ start_s: 1.5, label: 'true peak', detail: { dbtp: 0.4, over: true } }] },
        {
          id: 'video.black_frames', name: 'Black frames', severity: 'error', status: 'fail', message: 'black', duration_ms: 1,
          evidence: [{ start_s: 1.5, end_s: 3, label: 'black', image: still, image_before: still, image_after: still }, { image: 'javascript:alert(1)' as unknown as string, label: 'evil' }],
        },
      ],
    };
    const html = renderHtml(withEvidence);
    expect(html).toContain('aria-label="Loudness over time"');
    expect(html).toMatch(/<rect class="band"/);
    expect(html).toMatch(/<g class="peak over">/);
    expect(html).toContain('True peak 0.4\u00a0dBTP at 0:01.50 — over the ceiling');
    expect(html).toContain('aria-label="Timeline of black, frozen and silent stretches"');
    expect(html).toContain('alt="just before"');
    expect(html).toContain('alt="just after"');
    expect(html).not.toContain('javascript:');
  });
});
