/** Issue 17's pictures in the HTML report: flash stretches on a timeline, phase over time, bars over the frame. */
import { describe, expect, it } from 'vitest';
import { depthFixture } from '../../fixtures/av-depth-fixtures.js';
import { adHocProfile, qc } from '../../analysis/av/engine-helper.js';
import { renderHtml } from '../../../src/report/html.js';
import { reportSchema } from '../../../src/report/schema.js';

describe('A/V depth figures', () => {
  it('a flashing clip: the flash rate over time with the limit and the hazardous stretch shaded, with its timecodes', async () => {
    const report = await qc(await depthFixture('flash5hz'), adHocProfile([{ id: 'video.flashing' }, { id: 'video.letterbox' }]));
    expect(() => reportSchema.parse(report)).not.toThrow();
    const html = renderHtml(report);
    expect(html).toContain('<h3>Flashing</h3>');
    expect(html).toMatch(/aria-label="Flashes per second over time"/);
    // The shaded stretch carries its timecodes, and the legend names it.
    expect(html).toMatch(/<rect [^>]*fill="#cf222e" fill-opacity="0.18"><title>0:00\.10–0:03\.90<\/title>/);
    expect(html).toMatch(/Flashing 0:00\.10–0:03\.90/);
    expect(html).toMatch(/Limit: 3 a second/);
    // The letterbox passed: no bars picture.
    expect(html).not.toContain('<h3>Black bars</h3>');
  });
  it('a clip that never flashes gets no flash picture; out-of-phase sound and letterbox bars get theirs', async () => {
    const calm = renderHtml(await qc(await depthFixture('letterboxed'), adHocProfile([{ id: 'video.flashing' }, { id: 'video.letterbox' }])));
    expect(calm).not.toContain('<h3>Flashing</h3>');
    expect(calm).toContain('<h3>Black bars</h3>');
    expect(calm).toMatch(/Active picture 1\.78:1/);
    const phase = renderHtml(await qc(await depthFixture('phaseInvertedVideo'), adHocProfile([{ id: 'audio.phase' }])));
    expect(phase).toContain('<h3>Phase (mono compatibility)</h3>');
    expect(phase).toMatch(/Out of phase: 0:00\.00–0:0\d\.\d\d/);
  });
});
