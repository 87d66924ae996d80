// `/_admin/…`: seed and inspect the emulator over HTTP (apps with their secrets and keys,
// users, folders, collaborations, uploads and moves as a user, deliveries, faults, tokens).
// Loopback callers only (enforced in app.ts): it hands out app secrets and private keys.
import type { FastifyInstance } from 'fastify';
import { uploadOrVersion } from '../admin.js';
import type { EmulatorContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { FaultSpec } from '../faults.js';
import type { Json } from '../http.js';
import { MAX_UPLOAD_BYTES, param, query, readJson, sendEmpty, sendJson } from '../http.js';
import { fileFull } from '../represent.js';
import type { CollaborationRole, EmuApp } from '../state.js';

export default async function adminRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { core, state, admin } = ctx;
  const appSummary = (emuApp: EmuApp): Json => ({
    client_id: emuApp.clientId,
    name: emuApp.name,
    service_account: core.requireUser(emuApp.serviceAccountId),
    enterprise_id: state.enterpriseId,
    primary_signature_key: emuApp.primarySignatureKey ?? null,
    secondary_signature_key: emuApp.secondarySignatureKey ?? null,
    config: core.appConfig(emuApp.clientId),
  });

  app.get('/_admin/apps', async (_request, reply) => sendJson(reply, 200, { entries: [...state.apps.values()].map(appSummary) }));

  app.post('/_admin/apps', async (request, reply) => {
    const body = await readJson(request);
    return sendJson(reply, 201, appSummary(core.createApp(typeof body['name'] === 'string' ? body['name'] : undefined).app));
  });

  app.put('/_admin/apps/:id/signature_keys', async (request, reply) => {
    const body = await readJson(request);
    const keys: { primary?: string | null; secondary?: string | null } = {};
    if ('primary' in body) keys.primary = body['primary'] as string | null;
    if ('secondary' in body) keys.secondary = body['secondary'] as string | null;
    return sendJson(reply, 200, appSummary(core.setSignatureKeys(param(request, 'id'), keys)));
  });

  app.post('/_admin/users', async (request, reply) => {
    const body = await readJson(request);
    if (typeof body['name'] !== 'string') throw badRequest("'name' is required");
    return sendJson(reply, 201, core.createUser({ name: body['name'], ...(typeof body['login'] === 'string' && { login: body['login'] }) }));
  });

  app.post('/_admin/folders', async (request, reply) => {
    const body = await readJson(request);
    if (typeof body['name'] !== 'string' || typeof body['owner_id'] !== 'string') throw badRequest("'name' and 'owner_id' are required");
    const folder = admin.createFolder({
      name: body['name'],
      ownerId: body['owner_id'],
      ...(typeof body['parent_id'] === 'string' && { parentId: body['parent_id'] }),
    });
    return sendJson(reply, 201, folder);
  });

  app.post('/_admin/collaborations', async (request, reply) => {
    const body = await readJson(request);
    const collab = core.collaborate({ folderId: String(body['folder_id'] ?? ''), userId: String(body['user_id'] ?? ''), role: body['role'] as CollaborationRole });
    return sendJson(reply, 201, collab);
  });

  app.delete('/_admin/collaborations/:id', async (request, reply) => {
    core.removeCollaboration(param(request, 'id'));
    return sendEmpty(reply, 204);
  });

  // The raw body is the content, streamed to the blob directory like an API upload.
  app.post('/_admin/upload', async (request, reply) => {
    const params = query(request);
    const userId = params.get('user_id');
    const folderId = params.get('folder_id');
    const name = params.get('name');
    if (!userId || !folderId || !name) throw badRequest('user_id, folder_id and name query parameters are required');
    const staged = await state.blobs.stage(request.raw, MAX_UPLOAD_BYTES);
    try {
      return sendJson(reply, 201, fileFull(state, userId, uploadOrVersion(core, userId, folderId, name, staged)));
    } finally {
      state.blobs.discard(staged);
    }
  });

  app.post('/_admin/move', async (request, reply) => {
    const body = await readJson(request);
    const file = admin.moveAs({
      userId: String(body['user_id'] ?? ''),
      fileId: String(body['file_id'] ?? ''),
      parentId: String(body['parent_id'] ?? ''),
      ...(typeof body['name'] === 'string' && { name: body['name'] }),
    });
    return sendJson(reply, 200, fileFull(state, String(body['user_id']), file));
  });

  app.get('/_admin/deliveries', async (request, reply) => {
    if (query(request).get('wait') === 'true') await admin.waitForDeliveries();
    return sendJson(reply, 200, { entries: admin.deliveries() });
  });

  app.get('/_admin/faults', async (_request, reply) => sendJson(reply, 200, { entries: admin.faults() }));

  app.post('/_admin/faults', async (request, reply) => {
    const body = (await readJson(request)) as unknown as FaultSpec;
    if (typeof body.path !== 'string') throw badRequest("'path' is required (e.g. /2.0/folders/*/items)");
    return sendJson(reply, 201, { id: admin.injectFault(body) });
  });

  app.delete('/_admin/faults', async (_request, reply) => {
    admin.clearFaults();
    return sendEmpty(reply, 204);
  });

  app.post('/_admin/tokens/expire', async (_request, reply) => sendJson(reply, 200, { expired: admin.expireAllTokens() }));

  app.get('/_admin/oauth/stats', async (_request, reply) => sendJson(reply, 200, admin.oauthStats()));
}
