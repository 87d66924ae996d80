/** `<base>/api/v1` (DESIGN §9): the JSON API that pages and scripts share. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '../../auth/accounts.js';
import type { Db } from '../../db/database.js';
import { renderHtml } from '../../report/html.js';
import type { QcReport } from '../../report/schema.js';
import type { ConsoleService } from '../../web/console-service.js';
import { ConsoleError, notSignedIn } from '../../web/errors.js';
import type { RunEvents } from '../../web/run-events.js';
import { receiveUpload } from '../../web/upload-receive.js';
import { streamRunEvents } from './run-events-sse.js';
import {
  checkAccepted,
  clientIdParams,
  clientJson,
  clientViewJson,
  errorBody,
  jobIdParams,
  jobJson,
  jobJsonOf,
  jobsQuery,
  profileJson,
  runDetail,
  runIdParams,
  runsPage,
  runsQuery,
  runSummaryJson,
  setDefaultProfileBody,
} from './schemas.js';

export interface ApiRoutesDeps {
  db: Db;
  service: ConsoleService;
  events: RunEvents;
  dataDir: string;
  maxUploadBytes: number;
  /** e.g. "/ai_qc" or "". */
  basePath: string;
  /** How often an SSE stream re-reads the run (catches a worker in another SQLite process). */
  ssePollMs?: number;
}

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody } as const;

/** Security headers for a stored report: it holds file names and OCR text, so no script may run. */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

export function principalOf(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw notSignedIn();
  return request.principal;
}

export async function apiV1Routes(scope: FastifyInstance, deps: ApiRoutesDeps): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { service } = deps;
  const runUrl = (id: string) => `${deps.basePath}/api/v1/runs/${encodeURIComponent(id)}`;

  app.post(
    '/checks',
    {
      schema: {
        summary: 'Upload a file to check',
        description:
          'multipart/form-data with `file` (required), optional `client` and `profile`. The file is streamed to disk; larger than AIQC_MAX_UPLOAD_MB → 413. Without a profile the client\'s default (or the general profile for the file\'s kind) is used.',
        consumes: ['multipart/form-data'],
        response: { 202: checkAccepted, ...errors, 413: errorBody, 422: errorBody },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const upload = await receiveUpload(request, { dataDir: deps.dataDir, maxBytes: deps.maxUploadBytes });
      const accepted = await service.submitCheck(principal, {
        tempPath: upload.tempPath,
        fileName: upload.fileName,
        ...(upload.fields.client ? { client: upload.fields.client } : {}),
        ...(upload.fields.profile ? { profile: upload.fields.profile } : {}),
      });
      return reply.code(202).send({ run_id: accepted.runId, profile_id: accepted.profileId, status_url: runUrl(accepted.runId), events_url: `${runUrl(accepted.runId)}/events` });
    },
  );

  app.get('/runs', { schema: { summary: 'Runs, newest first', querystring: runsQuery, response: { 200: runsPage, ...errors } } }, async (request) => {
    const { client, verdict, limit, cursor } = request.query;
    const page = await service.listRuns(principalOf(request), { limit, ...(client ? { client } : {}), ...(verdict ? { verdict } : {}), ...(cursor ? { cursor } : {}) });
    return { runs: page.runs.map(runSummaryJson), next_cursor: page.nextCursor === null ? null : String(page.nextCursor) };
  });

  app.get('/runs/:id', { schema: { summary: 'One run: the report JSON (null until done), source and status', params: runIdParams, response: { 200: runDetail, ...errors } } }, async (request) => {
    const run = await service.runFor(principalOf(request), request.params.id);
    return { ...runSummaryJson(run), report: (run.report as Record<string, unknown> | null) ?? null };
  });

  app.get(
    '/runs/:id/events',
    {
      schema: {
        summary: 'Server-sent events: progress {i, n, check_id} while checks run, then done {verdict, score}',
        params: runIdParams,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errors },
      },
    },
    async (request, reply) => {
      const run = await service.runFor(principalOf(request), request.params.id);
      await streamRunEvents(request, reply, { db: deps.db, events: deps.events, run, pollMs: deps.ssePollMs ?? 1000 });
    },
  );

  app.get(
    '/runs/:id/report.html',
    { schema: { summary: 'The HTML report, served with a CSP that forbids script', params: runIdParams, produces: ['text/html'], response: { 200: z.string(), ...errors, 409: errorBody } } },
    async (request, reply) => {
      const run = await service.runFor(principalOf(request), request.params.id);
      if (run.status !== 'done' || !run.report) throw new ConsoleError(409, 'run_not_done', `Run ${run.id} is ${run.status}; the report exists once it is done.`);
      return reply
        .header('content-security-policy', REPORT_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        .type('text/html; charset=utf-8')
        .send(renderHtml(run.report as QcReport));
    },
  );

  app.get('/clients', { schema: { summary: 'The clients you can see', response: { 200: z.object({ clients: z.array(clientJson) }), ...errors } } }, async (request) => ({
    clients: (await service.listClients(principalOf(request))).map(clientViewJson),
  }));

  app.get('/clients/:id', { schema: { summary: 'One client: folders, default profile, who changed it, webhook health', params: clientIdParams, response: { 200: clientJson, ...errors } } }, async (request) =>
    clientViewJson(await service.clientView(principalOf(request), request.params.id)),
  );

  app.put(
    '/clients/:id/default-profile',
    { schema: { summary: "Override the client's default profile (admins)", params: clientIdParams, body: setDefaultProfileBody, response: { 200: clientJson, ...errors, 422: errorBody } } },
    async (request) => clientViewJson(await service.setDefaultProfile(principalOf(request), request.params.id, request.body.profile)),
  );

  app.delete(
    '/clients/:id/default-profile',
    { schema: { summary: 'Revert to the previous default profile (admins)', params: clientIdParams, response: { 200: clientJson, ...errors, 409: errorBody } } },
    async (request) => clientViewJson(await service.revertDefaultProfile(principalOf(request), request.params.id)),
  );

  app.get('/jobs', { schema: { summary: 'Jobs, newest first (admins)', querystring: jobsQuery, response: { 200: z.object({ jobs: z.array(jobJson) }), ...errors } } }, async (request) => ({
    jobs: (await service.listJobs(principalOf(request), { limit: request.query.limit, ...(request.query.status ? { status: request.query.status } : {}) })).map(jobJsonOf),
  }));

  app.post('/jobs/:id/retry', { schema: { summary: 'Queue a dead job again (admins)', params: jobIdParams, response: { 200: jobJson, ...errors, 409: errorBody } } }, async (request) =>
    jobJsonOf(await service.retryJob(principalOf(request), request.params.id)),
  );

  app.get('/profiles', { schema: { summary: 'The profile catalogue and each profile\'s checks', response: { 200: z.object({ profiles: z.array(profileJson) }), ...errors } } }, async (request) => {
    principalOf(request);
    return { profiles: service.listProfiles() };
  });
}
