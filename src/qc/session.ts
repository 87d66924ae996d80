import { randomBytes } from 'node:crypto';

/** `20261123T062753Z-4f2a`: sortable by time, unique enough per second, safe in file names. */
export function newSessionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
