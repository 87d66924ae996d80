/**
 * Who is calling: `Authorization: Bearer <token>` (scripts) or the session cookie (pages).
 * Cookie requests that change state must come from our own pages: the cookie is
 * SameSite=Strict, and the Origin (or Sec-Fetch-Site) header is checked as a second line, so a
 * form on another site cannot act as the signed-in user (CSRF).
 */
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionPrincipal, tokenPrincipal, type Principal } from '../../auth/accounts.js';
import type { Db } from '../../db/database.js';
import { ConsoleError } from '../../web/errors.js';

export const SESSION_COOKIE = 'aiqc_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function resolvePrincipal(request: FastifyRequest, db: Db, now: number): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new ConsoleError(401, 'unauthenticated', 'Authorization must be "Bearer <token>" with a token from `aiqc tokens create EMAIL`.');
    const principal = await tokenPrincipal(db.kysely, match[1]!, now);
    if (!principal) throw new ConsoleError(401, 'invalid_token', 'The API token is unknown or was revoked; create one with `aiqc tokens create EMAIL`.');
    return principal;
  }
  const secret = request.cookies[SESSION_COOKIE];
  if (!secret) return null;
  return (await sessionPrincipal(db.kysely, secret, now)) ?? null;
}

/** Refuse a cookie-authenticated state change that did not come from our own origin. */
export function checkSameOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method) || request.headers.authorization) return;
  const origin = request.headers.origin;
  const own = `${request.protocol}://${request.host}`;
  if (origin !== undefined) {
    if (origin !== own) throw new ConsoleError(403, 'cross_origin', `Refused a request from ${origin}: the console only accepts changes from its own pages (${own}).`);
    return;
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new ConsoleError(403, 'cross_origin', 'Refused a cross-site request: the console only accepts changes from its own pages.');
  }
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string, path: string, maxAgeS: number): void {
  reply.setCookie(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path,
    maxAge: maxAgeS,
  });
}

export function clearSessionCookie(reply: FastifyReply, path: string): void {
  reply.clearCookie(SESSION_COOKIE, { path, httpOnly: true, sameSite: 'strict' });
}
