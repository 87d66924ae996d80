import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hash2B } from '../../../src/analysis/pdf/decrypt.js';

// /U and /UE of a file qpdf 11 encrypted (AES-256, R6, empty user password) whose key hash
// stops exactly at the boundary of Algorithm 2.B's loop: E's last byte equals (round
// number) − 32. With the rounds counted from 0 instead of 1 the loop ran once more, the file
// key came out wrong and the PDF was reported as damaged (about one AES-256 file in 40: the
// salts are random). The expected key is what `qpdf --show-encryption-key` prints.
const U = Buffer.from('7f646542366c4e0299350b1ef33b975e6236b4f7789e4f83d195e4fbf131baa552fae08edcff37eb4251b06b8df3ed61', 'hex');
const UE = Buffer.from('86f7afd3b7cb931d255a5bd0103013c3de4cb5eea253228eb5e1794070a8cbfc', 'hex');
const QPDF_FILE_KEY = 'be0ee44d401742cd2b5ad4dbdede02b43c5027de6326c6358014e56478e46f00';

describe('ISO 32000-2 Algorithm 2.B (R6 password hash)', () => {
  it('validates the empty user password against /U', () => {
    expect(hash2B(U.subarray(32, 40), new Uint8Array(0)).equals(U.subarray(0, 32))).toBe(true);
  });

  it('unwraps the file key qpdf reports when the key hash stops on the boundary round', () => {
    const intermediate = hash2B(U.subarray(40, 48), new Uint8Array(0));
    const d = createDecipheriv('aes-256-cbc', intermediate, Buffer.alloc(16));
    d.setAutoPadding(false);
    const key = Buffer.concat([d.update(UE), d.final()]);
    expect(key.toString('hex')).toBe(QPDF_FILE_KEY);
  });
});
