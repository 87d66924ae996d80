/**
 * Encryption of stored Box tokens (DESIGN §10): AES-256-GCM under AIQC_SECRET_KEY, with a key id
 * in every ciphertext so keys can rotate. AIQC_SECRET_KEY lists one or more keys as
 * `kid:base64key` separated by commas; the FIRST encrypts, every one decrypts. Rotate by putting a
 * new key first, running `aiqc secrets rotate`, then dropping the old one.
 *
 * Ciphertext format: `v1.<kid>.<iv b64url>.<ciphertext b64url>.<tag b64url>`; the additional
 * data binds it to its row (`box_connection:<user id>`), so a ciphertext copied onto another
 * user's row does not decrypt.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { BoxConnectError } from './errors.js';

export interface SecretKey {
  id: string;
  key: Buffer;
}

export interface SecretKeyRing {
  /** The key new ciphertexts use (the first listed). */
  readonly current: SecretKey;
  readonly keys: readonly SecretKey[];
}

const KEY_FIX =
  'Set AIQC_SECRET_KEY to "kid:base64" with a 32-byte key, e.g. AIQC_SECRET_KEY=k1:$(openssl rand -base64 32); several keys: "k2:…,k1:…" (the first encrypts).';

/** Parse AIQC_SECRET_KEY. Never echoes key material in an error. */
export function parseSecretKeys(value: string | undefined): SecretKeyRing {
  const text = value?.trim();
  if (!text) throw new BoxConnectError('secret_key_missing', 'AIQC_SECRET_KEY is not set: Box tokens cannot be stored encrypted.', { fix: KEY_FIX, status: 503 });
  const keys: SecretKey[] = [];
  for (const [index, part] of text.split(',').map((p) => p.trim()).filter(Boolean).entries()) {
    const colon = part.indexOf(':');
    const id = colon > 0 ? part.slice(0, colon) : '';
    const material = colon > 0 ? part.slice(colon + 1) : part;
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      throw new BoxConnectError('secret_key_invalid', `AIQC_SECRET_KEY entry ${index + 1} has no key id (expected "kid:base64", kid of letters, digits, _ or -).`, { fix: KEY_FIX, status: 503 });
    }
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32) {
      throw new BoxConnectError('secret_key_invalid', `AIQC_SECRET_KEY key "${id}" is ${key.length} bytes after base64 decoding; AES-256 needs 32.`, { fix: KEY_FIX, status: 503 });
    }
    if (keys.some((k) => k.id === id)) throw new BoxConnectError('secret_key_invalid', `AIQC_SECRET_KEY lists key id "${id}" twice.`, { fix: KEY_FIX, status: 503 });
    keys.push({ id, key });
  }
  if (keys.length === 0) throw new BoxConnectError('secret_key_missing', 'AIQC_SECRET_KEY is empty.', { fix: KEY_FIX, status: 503 });
  return { current: keys[0]!, keys };
}

export function encryptSecret(ring: SecretKeyRing, plaintext: string, aad: string): { ciphertext: string; keyId: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: ['v1', ring.current.id, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.'), keyId: ring.current.id };
}

export function decryptSecret(ring: SecretKeyRing, ciphertext: string, aad: string): string {
  const [version, keyId, iv, body, tag] = ciphertext.split('.');
  if (version !== 'v1' || !keyId || !iv || body === undefined || !tag) {
    throw new BoxConnectError('token_decrypt_failed', 'A stored Box token is not in the expected encrypted format.', { fix: 'Disconnect and connect Box again.', status: 409 });
  }
  const key = ring.keys.find((k) => k.id === keyId);
  if (!key) {
    throw new BoxConnectError('secret_key_unknown', `A stored Box token was encrypted with key "${keyId}", which AIQC_SECRET_KEY no longer lists.`, {
      fix: `Add key "${keyId}" back to AIQC_SECRET_KEY (after the current one), run \`aiqc secrets rotate\`, then remove it.`,
      status: 503,
    });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new BoxConnectError('token_decrypt_failed', `A stored Box token does not decrypt with key "${keyId}" (wrong key material, or the row was altered).`, {
      fix: 'Check AIQC_SECRET_KEY; if the key is lost, the user must connect Box again.',
      status: 503,
      cause,
    });
  }
}

/** A MAC key for OAuth `state`, derived from the current secret key (not the key itself). */
export function stateMacKey(key: SecretKey): Buffer {
  return createHmac('sha256', key.key).update('aiqc box oauth state v1').digest();
}
