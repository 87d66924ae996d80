// Files: info, rename/move, trash and restore, copy, the download redirect and the download
// itself (streamed from the blob file), and the upload preflight check.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import type { Json } from '../http.js';
import { fieldsParam, originOf, param, query, readJson, sendEmpty, sendJson } from '../http.js';
import { FILE_STANDARD_KEYS, fileFull, selectFields } from '../represent.js';
import type { EmuFile } from '../state.js';

export default async function filesRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { core, state, contentTokens } = ctx;
  const fileAnswer = (request: FastifyRequest, file: EmuFile): Json =>
    selectFields(fileFull(state, request.boxUserId, file), fieldsParam(request), FILE_STANDARD_KEYS);

  app.get('/2.0/files/:id', async (request, reply) => sendJson(reply, 200, fileAnswer(request, core.visibleFile(request.boxUserId, param(request, 'id')))));

  app.put('/2.0/files/:id', async (request, reply) => {
    const body = await readJson(request);
    const parent = body['parent'] as { id?: string } | undefined;
    const changes: { name?: unknown; parentId?: string } = {};
    if (body['name'] !== undefined) changes.name = body['name'];
    if (parent?.id !== undefined) changes.parentId = parent.id;
    return sendJson(reply, 200, fileAnswer(request, core.updateFile(request.boxUserId, param(request, 'id'), changes)));
  });

  app.delete('/2.0/files/:id', async (request, reply) => {
    core.deleteFile(request.boxUserId, param(request, 'id'));
    return sendEmpty(reply, 204);
  });

  app.get('/2.0/files/:id/trash', async (request, reply) => sendJson(reply, 200, fileAnswer(request, core.trashedFile(request.boxUserId, param(request, 'id')))));

  app.post('/2.0/files/:id', async (request, reply) => {
    const body = await readJson(request);
    const file = core.restoreFile(request.boxUserId, param(request, 'id'), body['name'] !== undefined ? { name: body['name'] } : {});
    return sendJson(reply, 201, fileAnswer(request, file));
  });

  app.post('/2.0/files/:id/copy', async (request, reply) => {
    const body = await readJson(request);
    const parent = body['parent'] as { id?: unknown } | undefined;
    if (typeof parent?.id !== 'string') throw badRequest("Bad Request: 'parent.id' is required");
    const file = core.copyFile(request.boxUserId, param(request, 'id'), {
      parentId: parent.id,
      ...(body['name'] !== undefined && { name: body['name'] }),
      ...(typeof body['version'] === 'string' && { versionId: body['version'] }),
    });
    return sendJson(reply, 201, fileAnswer(request, file));
  });

  // Box answers a download with a redirect to a short-lived link on its download host.
  app.get('/2.0/files/:id/content', async (request, reply) => {
    const requested = query(request).get('version') ?? undefined;
    const { file, version } = core.readableFileContent(request.boxUserId, param(request, 'id'), requested);
    const token = randomBytes(18).toString('base64url');
    contentTokens.set(token, { fileId: file.id, versionId: requested ?? version.id, expiresAt: core.now() + 15 * 60_000 });
    return sendEmpty(reply, 302, { location: `${originOf(request)}/_content/${token}/${encodeURIComponent(file.name)}` });
  });

  app.get('/_content/:token/:name', { config: { public: true } }, async (request, reply) => {
    const grant = contentTokens.get(param(request, 'token'));
    if (!grant || grant.expiresAt < core.now()) throw notFound();
    const size = state.blobs.sizeOf(grant.versionId);
    if (size === undefined) throw notFound();
    return reply
      .code(200)
      .headers({ 'content-type': 'application/octet-stream', 'content-length': String(size) })
      .send(state.blobs.read(grant.versionId));
  });

  app.options('/2.0/files/content', async (request, reply) => {
    const body = await readJson(request);
    const parent = body['parent'] as { id?: string } | undefined;
    core.checkUpload(request.boxUserId, parent?.id ?? '0', body['name']);
    return sendJson(reply, 200, { upload_url: `${originOf(request)}/api/2.0/files/content`, upload_token: randomBytes(12).toString('hex') });
  });
}
