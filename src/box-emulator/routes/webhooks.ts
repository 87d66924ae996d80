// Webhooks (V2): list with marker paging, create, get, update, delete — each app sees only its own.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { badRequest } from '../errors.js';
import { param, query, readJson, sendEmpty, sendJson } from '../http.js';
import { webhookMini, webhookStandard } from '../represent.js';

export default async function webhooksRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { core, state } = ctx;

  app.get('/2.0/webhooks', async (request, reply) => {
    const params = query(request);
    const all = [...state.webhooks.values()].filter((w) => w.clientId === request.boxClientId);
    const limit = Math.min(Math.max(Number(params.get('limit') ?? 100) || 100, 1), 200);
    const marker = params.get('marker');
    const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8').replace(/^w:/, '')) : 0;
    if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid marker', 'invalid_parameter');
    const entries = all.slice(start, start + limit).map(webhookMini);
    const next = start + limit < all.length ? Buffer.from(`w:${start + limit}`).toString('base64url') : null;
    return sendJson(reply, 200, { entries, limit, next_marker: next, prev_marker: null });
  });

  app.post('/2.0/webhooks', async (request, reply) => {
    const webhook = core.createWebhook(request.boxUserId, request.boxClientId, await readJson(request));
    return sendJson(reply, 201, webhookStandard(state, webhook));
  });

  app.get('/2.0/webhooks/:id', async (request, reply) =>
    sendJson(reply, 200, webhookStandard(state, core.visibleWebhook(request.boxClientId, param(request, 'id')))),
  );

  app.put('/2.0/webhooks/:id', async (request, reply) => {
    const body = await readJson(request);
    return sendJson(reply, 200, webhookStandard(state, core.updateWebhook(request.boxClientId, param(request, 'id'), body)));
  });

  app.delete('/2.0/webhooks/:id', async (request, reply) => {
    core.deleteWebhook(request.boxClientId, param(request, 'id'));
    return sendEmpty(reply, 204);
  });
}
