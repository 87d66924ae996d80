import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret (session cookie or API token): 256 random bits, URL-safe. */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What the database stores instead of the secret: a leaked table does not let anyone in. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export const API_TOKEN_PREFIX = 'aiqc_';
