/** Repeated font names in one message (issue 11): each name once, with all its pages. */
import { describe, expect, it } from 'vitest';
import { byName } from '../../../src/checks/pdf/fonts-embedded.js';

describe('fonts listed by name', () => {
  it('one font object per page for the same font is listed once, with its pages', () => {
    const fonts = [1, 2, 3, 4, 5].map((page) => ({ name: 'Helvetica', pages: [page] }));
    expect(byName([...fonts, { name: 'Arial', pages: [2] }])).toBe('Helvetica (pages 1–5), Arial (page 2)');
  });
});
