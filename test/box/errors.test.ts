// Reading Box's error bodies: the shapes live Box sends, not only the ones the spec shows.
import { describe, expect, it } from 'vitest';
import { boxApiErrorFromBody, conflictsOf } from '../../src/box/index.js';

describe('context_info.conflicts', () => {
  it('is read as a list whether Box sent one object (upload, preflight) or an array (folders)', () => {
    const one = { type: 'file', id: '12', name: 'a.html', sha1: 'abc' };
    expect(conflictsOf({ conflicts: one })).toEqual([one]);
    expect(conflictsOf({ conflicts: [one, { type: 'folder', id: '13' }] })).toHaveLength(2);
    expect(conflictsOf({ conflicts: null })).toEqual([]);
    expect(conflictsOf(undefined)).toEqual([]);
    const error = boxApiErrorFromBody(409, { type: 'error', status: 409, code: 'item_name_in_use', context_info: { conflicts: one } }, {}, { operation: 'upload file' });
    expect(error.conflicts[0]?.id).toBe('12');
  });
});
