/** The content-stream reader on hand-written streams: CTM, forms, inline images, colour, fonts. */
import { describe, expect, it } from 'vitest';
import { DEVICE_CMYK, multiply, readContent, type ColorUse, type ContentHost, type XObjectInfo } from '../../../src/analysis/pdf/content.js';

type Res = { name: string };
const enc = (s: string) => new TextEncoder().encode(s);

/** Resources as plain data: a form "Fm1" holding image "Im2", an image "Im1", a spot space "CS0". */
const host: ContentHost<Res> = {
  xobject(res, name): XObjectInfo<Res> | undefined {
    if (name === 'Im1') return { kind: 'image', key: '5 0', width: 600, height: 300, bpc: 8, mask: false, color: DEVICE_CMYK };
    if (name === 'Im2' && res.name === 'form') return { kind: 'image', key: '7 0', width: 100, height: 100, bpc: 8, mask: false, color: { family: 'DeviceRGB', model: 'rgb' } };
    if (name === 'Fm1') return { kind: 'form', key: '6 0', matrix: [0.5, 0, 0, 0.5, 10, 10], resources: { name: 'form' }, content: () => enc('q 72 0 0 72 0 0 cm /Im2 Do Q') };
    if (name === 'Loop') return { kind: 'form', key: '8 0', matrix: [1, 0, 0, 1, 0, 0], resources: res, content: () => enc('/Loop Do') };
    return undefined;
  },
  colorSpace: (_res, name): ColorUse | undefined => (name === 'CS0' ? { family: 'Separation', model: 'spot', inks: ['Gold'] } : undefined),
  shading: () => ({ family: 'DeviceRGB', model: 'rgb' }),
  font: (_res, name) => ({ key: `font:${name}`, name: `Font${name}` }),
  inlineColorSpace: (_res, value) => (value.t === 'name' && value.v === 'G' ? { family: 'DeviceGray', model: 'gray' } : undefined),
};

describe('readContent', () => {
  it('applies cm, q and Q to the image placement', () => {
    const found = readContent(enc('q 2 0 0 2 0 0 cm q 144 0 0 72 10 20 cm /Im1 Do Q Q /Im1 Do'), { name: 'page' }, host);
    expect(found.images.map((i) => i.ctm)).toEqual([
      [288, 0, 0, 144, 20, 40],
      [1, 0, 0, 1, 0, 0],
    ]);
  });

  it('descends into forms through their matrix and resources', () => {
    const found = readContent(enc('q 1 0 0 1 100 100 cm /Fm1 Do Q'), { name: 'page' }, host);
    expect(found.images).toHaveLength(1);
    expect(found.images[0]).toMatchObject({ key: '7 0', ctm: [36, 0, 0, 36, 110, 110] });
  });

  it('stops at a form that draws itself', () => {
    const found = readContent(enc('/Loop Do /Im1 Do'), { name: 'page' }, host);
    expect(found.images).toHaveLength(1);
  });

  it('reads inline images and skips their binary data', () => {
    const data = '\x00EI\xff)(]>>'; // bytes that would confuse a naive tokenizer
    const found = readContent(enc(`q 10 0 0 10 5 5 cm BI /W 4 /H 2 /CS /G /BPC 8 ID ${data}\nEI Q 1 0 0 rg`), { name: 'page' }, host);
    expect(found.images).toEqual([expect.objectContaining({ inline: true, width: 4, height: 2, ctm: [10, 0, 0, 10, 5, 5], color: { family: 'DeviceGray', model: 'gray' } })]);
    expect(found.colors.map((c) => c.op)).toEqual(['BI', 'rg']);
  });

  it('records colour operators, named spaces, shadings and fonts', () => {
    const found = readContent(enc('0 0 0 1 k 0.5 G /CS0 cs 1 scn /DeviceRGB CS /Sh1 sh BT /F1 12 Tf (a\\) b [c]) Tj ET'), { name: 'page' }, host);
    expect(found.colors.map((c) => `${c.op}:${c.use.family}`)).toEqual(['k:DeviceCMYK', 'G:DeviceGray', 'cs:Separation', 'CS:DeviceRGB', 'sh:DeviceRGB']);
    expect(found.fonts).toEqual([{ key: 'font:F1', name: 'FontF1' }]);
  });

  it('ignores comments, dictionaries and arrays as operands', () => {
    const found = readContent(enc('% a comment with /Im1 Do\n/P <</MCID 0 /Alt (x)>> BDC [1 2] 0 d /Im1 Do EMC'), { name: 'page' }, host);
    expect(found.images).toHaveLength(1);
  });

  it('stops at the operator budget and says so', () => {
    const found = readContent(enc('q Q '.repeat(1000) + '/Im1 Do'), { name: 'page' }, host, { maxOperators: 100, maxFormDepth: 4 });
    expect(found.images).toHaveLength(0);
    expect(found.truncated).toMatch(/stopped after 100 drawing operators/);
  });

  it('multiplies matrices in PDF order (first argument applied first)', () => {
    expect(multiply([2, 0, 0, 2, 0, 0], [1, 0, 0, 1, 10, 0])).toEqual([2, 0, 0, 2, 10, 0]);
    expect(multiply([1, 0, 0, 1, 10, 0], [2, 0, 0, 2, 0, 0])).toEqual([2, 0, 0, 2, 20, 0]);
  });
});
