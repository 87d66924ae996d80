/** What every console page handler is given: its dependencies and the helpers that answer a request. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/accounts.js';
import type { Db } from '../../db/database.js';
import type { BoxConnect } from '../../boxconnect/service.js';
import type { ConsoleService } from '../console-service.js';
import { notSignedIn } from '../errors.js';
import { PAGE_CSP, type PageContext } from './layout.js';

export interface PagesDeps {
  db: Db;
  service: ConsoleService;
  basePath: string;
  dataDir: string;
  maxUploadBytes: number;
  loginRateLimit: number;
  clock: () => number;
  /** Per-user Box connect, when configured: the "My Box" pages and "Sign in with Box". */
  boxConnect?: BoxConnect;
}

export type PageHelpers = ReturnType<typeof pageHelpers>;

export function pageHelpers(deps: PagesDeps) {
  const b = deps.basePath;
  return {
    ctx(request: FastifyRequest, current?: PageContext['current']): PageContext {
      return { basePath: b, principal: request.principal, ...(current ? { current } : {}), ...(deps.boxConnect ? { boxConnect: true } : {}) };
    },
    principal(request: FastifyRequest): Principal {
      if (!request.principal) throw notSignedIn();
      return request.principal;
    },
    send(reply: FastifyReply, page: string, status = 200) {
      return reply.code(status).header('content-security-policy', PAGE_CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
    },
    /** POST-redirect-GET with a one-line notice in the query. */
    redirect(reply: FastifyReply, path: string) {
      return reply.code(303).header('location', `${b}${path}`).send();
    },
  };
}
