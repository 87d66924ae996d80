// Chunked upload sessions (Box's upload host): create (for a new file or a new version), upload
// parts with Content-Range and a per-part SHA-1 Digest, list parts, abort, and commit with the
// whole file's SHA-1. Parts are streamed to disk and the commit assembles them into a blob file
// while hashing, so a multi-gigabyte upload costs buffers, not its size, in memory.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext, UploadSession } from '../context.js';
import { EmuApiError, badRequest, forbidden, notFound } from '../errors.js';
import type { Json } from '../http.js';
import { header, originOf, param, readJson, sendEmpty, sendJson } from '../http.js';
import { canWrite, roleOnFolder } from '../state.js';
import { sendFiles } from './uploads.js';

const base64OfHex = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

export default async function uploadSessionsRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { core, state, sessions } = ctx;

  const sessionJson = (request: FastifyRequest, session: UploadSession): Json => {
    const base = `${originOf(request)}/api/2.0/files/upload_sessions/${session.id}`;
    return {
      id: session.id,
      type: 'upload_session',
      session_expires_at: session.expiresAt,
      part_size: session.partSize,
      total_parts: session.totalParts,
      num_parts_processed: session.parts.size,
      session_endpoints: {
        upload_part: base,
        commit: `${base}/commit`,
        abort: base,
        list_parts: `${base}/parts`,
        status: base,
        log_event: `${base}/log`,
      },
    };
  };

  const newSession = (request: FastifyRequest, input: { folderId?: string; fileId?: string; fileName: string; fileSize: unknown }): Json => {
    const fileSize = input.fileSize;
    if (typeof fileSize !== 'number' || !Number.isInteger(fileSize) || fileSize <= 0) throw badRequest("Bad Request: 'file_size' must be a positive integer");
    if (fileSize < ctx.chunkMin) {
      throw new EmuApiError(400, 'file_size_too_small', `File size ${fileSize} less than minimum allowed for this API: ${ctx.chunkMin}`);
    }
    const session: UploadSession = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      userId: request.boxUserId,
      fileName: input.fileName,
      fileSize,
      partSize: ctx.partSize,
      totalParts: Math.ceil(fileSize / ctx.partSize),
      expiresAt: core.timestamp(core.now() + 7 * 24 * 3600_000),
      parts: new Map(),
    };
    if (input.folderId !== undefined) session.folderId = input.folderId;
    if (input.fileId !== undefined) session.fileId = input.fileId;
    sessions.set(session.id, session);
    return sessionJson(request, session);
  };

  const requireSession = (request: FastifyRequest): UploadSession => {
    const session = sessions.get(param(request, 'sid'));
    if (!session || session.userId !== request.boxUserId) throw notFound();
    return session;
  };

  const endSession = (session: UploadSession): void => {
    sessions.delete(session.id);
    for (const part of session.parts.values()) state.blobs.discard(part.blob);
  };

  app.post('/api/2.0/files/upload_sessions', async (request, reply) => {
    const body = await readJson(request);
    const folderId = String(body['folder_id'] ?? '');
    const { name } = core.checkUpload(request.boxUserId, folderId, body['file_name']);
    return sendJson(reply, 201, newSession(request, { folderId, fileName: name, fileSize: body['file_size'] }));
  });

  app.post('/api/2.0/files/:id/upload_sessions', async (request, reply) => {
    const body = await readJson(request);
    const file = core.visibleFile(request.boxUserId, param(request, 'id'));
    if (!canWrite(roleOnFolder(state, request.boxUserId, file.parentId))) throw forbidden();
    const fileName = typeof body['file_name'] === 'string' ? body['file_name'] : file.name;
    return sendJson(reply, 201, newSession(request, { fileId: file.id, fileName, fileSize: body['file_size'] }));
  });

  app.put('/api/2.0/files/upload_sessions/:sid', async (request, reply) => {
    const session = requireSession(request);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header(request, 'content-range') ?? '');
    if (!range) throw badRequest("Bad Request: 'Content-Range: bytes a-b/total' header required", 'bad_request');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const mismatch = (): EmuApiError => new EmuApiError(416, 'range_not_satisfiable', 'Part range does not match the session part size or file size');
    let blob;
    try {
      // No part is ever bigger than the session's part size: refuse more without storing it.
      blob = await state.blobs.stage(request.raw, session.partSize, state.blobs.stagingPath(`part-${session.id}`));
    } catch (err) {
      if ((err as { code?: string }).code === 'body_too_large') throw mismatch();
      throw err;
    }
    const isLast = end + 1 === session.fileSize;
    if (total !== session.fileSize || start % session.partSize !== 0 || end - start + 1 !== blob.size || (!isLast && blob.size !== session.partSize)) {
      state.blobs.discard(blob);
      throw mismatch();
    }
    if (header(request, 'digest') !== `sha=${base64OfHex(blob.sha1)}`) {
      state.blobs.discard(blob);
      throw new EmuApiError(412, 'precondition_failed', "The 'Digest' header must be sha=<base64 SHA-1 of the part>");
    }
    const part = { part_id: randomBytes(4).toString('hex').toUpperCase(), offset: start, size: blob.size, sha1: blob.sha1, blob };
    state.blobs.discard(session.parts.get(start)?.blob);
    session.parts.set(start, part);
    return sendJson(reply, 200, { part: { part_id: part.part_id, offset: part.offset, size: part.size, sha1: part.sha1 } });
  });

  app.get('/api/2.0/files/upload_sessions/:sid', async (request, reply) => sendJson(reply, 200, sessionJson(request, requireSession(request))));

  app.delete('/api/2.0/files/upload_sessions/:sid', async (request, reply) => {
    endSession(requireSession(request));
    return sendEmpty(reply, 204);
  });

  app.get('/api/2.0/files/upload_sessions/:sid/parts', async (request, reply) => {
    const entries = [...requireSession(request).parts.values()]
      .sort((a, b) => a.offset - b.offset)
      .map(({ part_id, offset, size, sha1 }) => ({ part_id, offset, size, sha1 }));
    return sendJson(reply, 200, { total_count: entries.length, entries, offset: 0, limit: 1000 });
  });

  app.post('/api/2.0/files/upload_sessions/:sid/commit', async (request, reply) => {
    const session = requireSession(request);
    const body = await readJson(request);
    const listed = Array.isArray(body['parts']) ? (body['parts'] as Array<{ part_id?: string }>) : [];
    const stored = [...session.parts.values()].sort((a, b) => a.offset - b.offset);
    const covered = stored.reduce((sum, part) => sum + part.size, 0);
    if (covered !== session.fileSize || listed.length !== stored.length || listed.some((part, i) => part.part_id !== stored[i]?.part_id)) {
      throw new EmuApiError(400, 'bad_request', 'The parts listed do not cover the file: upload every part and list them in order');
    }
    // Assemble the parts into one file, hashing as it is written (never the whole file in memory).
    async function* assembled(): AsyncGenerator<Buffer> {
      for (const part of stored) yield* createReadStream(part.blob.path) as AsyncIterable<Buffer>;
    }
    const staged = await state.blobs.stage(Readable.from(assembled()));
    try {
      if (header(request, 'digest') !== `sha=${base64OfHex(staged.sha1)}`) {
        throw new EmuApiError(422, 'unprocessable_entity', "The 'Digest' header does not match the SHA-1 of the assembled file");
      }
      endSession(session);
      const attributes = (body['attributes'] ?? {}) as Json;
      const file = session.fileId
        ? core.uploadNewVersion(request.boxUserId, session.fileId, staged, attributes['name'] !== undefined ? { name: attributes['name'] } : {})
        : core.uploadFile(request.boxUserId, session.folderId ?? '0', session.fileName, staged);
      return sendFiles(reply, state, request.boxUserId, file);
    } finally {
      state.blobs.discard(staged);
    }
  });
}
