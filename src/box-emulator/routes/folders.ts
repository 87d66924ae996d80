// Folders: info (with the first page of items, as Box embeds it), item listing with Box's
// offset paging (offset above 9999 refused) and marker paging, create, rename and move.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { Json } from '../http.js';
import { fieldsParam, param, query, readJson, sendJson } from '../http.js';
import { FOLDER_STANDARD_KEYS, fileFull, fileMini, folderFull, folderMini, rootFolderFull, selectFields } from '../represent.js';
import type { EmuFile, EmuFolder } from '../state.js';

const ORDER = [
  { by: 'type', direction: 'ASC' },
  { by: 'name', direction: 'ASC' },
];

export default async function foldersRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { core, state } = ctx;

  const itemRepr = (userId: string, item: EmuFolder | EmuFile, fields: string[] | undefined): Json => {
    if ('versions' in item) return fields ? selectFields(fileFull(state, userId, item), fields, []) : fileMini(item);
    return fields ? selectFields(folderFull(state, userId, item), fields, []) : folderMini(item);
  };

  const pageOf = (userId: string, folderId: string, params: URLSearchParams, fields: string[] | undefined): Json => {
    const items = core.listChildren(userId, folderId);
    const limit = Math.min(Math.max(Number(params.get('limit') ?? 100) || 100, 1), 1000);
    if (params.get('usemarker') === 'true') {
      const marker = params.get('marker');
      const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8').replace(/^m:/, '')) : 0;
      if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid marker', 'invalid_parameter');
      const entries = items.slice(start, start + limit).map((i) => itemRepr(userId, i, fields));
      const next = start + limit < items.length ? Buffer.from(`m:${start + limit}`).toString('base64url') : null;
      return { entries, limit, next_marker: next, prev_marker: null };
    }
    const offset = Math.max(Number(params.get('offset') ?? 0) || 0, 0);
    // Box refuses deep offset paging; marker paging has no such limit.
    if (offset > 9_999) throw badRequest('Queries with offset parameter value exceeding 10000 will be rejected', 'bad_request');
    const entries = items.slice(offset, offset + limit).map((i) => itemRepr(userId, i, fields));
    return { total_count: items.length, entries, offset, limit, order: ORDER };
  };

  /** A folder's full JSON with its first page of items, cut to `?fields=` or Box's standard keys. */
  const folderAnswer = (request: FastifyRequest, folder: EmuFolder): Json =>
    selectFields(folderFull(state, request.boxUserId, folder, pageOf(request.boxUserId, folder.id, new URLSearchParams(), undefined)), fieldsParam(request), FOLDER_STANDARD_KEYS);

  const changesOf = (body: Json): { name?: unknown; parentId?: string } => {
    const parent = body['parent'] as { id?: string } | undefined;
    const changes: { name?: unknown; parentId?: string } = {};
    if (body['name'] !== undefined) changes.name = body['name'];
    if (parent?.id !== undefined) changes.parentId = parent.id;
    return changes;
  };

  app.get('/2.0/folders/:id', async (request, reply) => {
    const userId = request.boxUserId;
    const folderId = param(request, 'id');
    const fields = fieldsParam(request);
    const collection = pageOf(userId, folderId, new URLSearchParams(), undefined);
    if (folderId === '0') return sendJson(reply, 200, selectFields(rootFolderFull(state, userId, collection), fields, FOLDER_STANDARD_KEYS));
    const folder = core.visibleFolder(userId, folderId);
    return sendJson(reply, 200, selectFields(folderFull(state, userId, folder, collection), fields, FOLDER_STANDARD_KEYS));
  });

  app.get('/2.0/folders/:id/items', async (request, reply) =>
    sendJson(reply, 200, pageOf(request.boxUserId, param(request, 'id'), query(request), fieldsParam(request))),
  );

  app.post('/2.0/folders', async (request, reply) => {
    const body = await readJson(request);
    const parent = body['parent'] as { id?: unknown } | undefined;
    if (typeof parent?.id !== 'string') throw badRequest("Bad Request: 'parent.id' is required");
    return sendJson(reply, 201, folderAnswer(request, core.createFolder(request.boxUserId, parent.id, body['name'])));
  });

  app.put('/2.0/folders/:id', async (request, reply) => {
    const body = await readJson(request);
    return sendJson(reply, 200, folderAnswer(request, core.updateFolder(request.boxUserId, param(request, 'id'), changesOf(body))));
  });
}
