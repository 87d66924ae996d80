import { describe, expect, it } from 'vitest';
import { formatValue, keyLabel } from '../../src/report/units.js';

// What the report shows for the unit suffixes of the measured/expected keys (DESIGN §3).
describe('report units by key suffix', () => {
  it('a rate `_per_s` is per second, not seconds', () => {
    expect(keyLabel('max_flashes_per_s')).toBe('Max flashes a second');
    expect(formatValue('max_flashes_per_s', 3)).toBe('3\u00a0/s');
    expect(formatValue('hazardous_s', 5.8)).toMatch(/^5\.8\u00a0s$/);
  });

  it('percentages and points carry their unit, and the label loses the suffix', () => {
    expect(keyLabel('average_percent')).toBe('Average');
    expect(formatValue('average_percent', 12.14)).toBe('12.1\u00a0%');
    expect(keyLabel('thinnest_pt')).toBe('Thinnest');
    expect(formatValue('thinnest_pt', 0.1)).toBe('0.1\u00a0pt');
    expect(keyLabel('max_tac_percent')).toBe('Highest total ink');
    expect(formatValue('max_tac_percent', 400)).toBe('400\u00a0%');
  });
});
