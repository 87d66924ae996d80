// Uploads (Box's upload host): a new file, or a new version of one, as multipart/form-data
// with `attributes` before `file` (Box refuses the other order). The file part is streamed to
// the blob directory with its SHA-1 computed on the way, never held in memory.
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StagedBlob } from '../blobs.js';
import type { EmulatorContext } from '../context.js';
import { EmuApiError, badRequest } from '../errors.js';
import type { Json } from '../http.js';
import { header, param, parseJson, sendJson, tooLarge } from '../http.js';
import { fileFull } from '../represent.js';
import type { EmuFile, EmuState } from '../state.js';

/** Box's answer to an upload: 201 for a new file, 200 for a new version of an existing one. */
export function sendFiles(reply: FastifyReply, state: EmuState, userId: string, file: EmuFile, status = 201): FastifyReply {
  return sendJson(reply, status, { total_count: 1, entries: [fileFull(state, userId, file)] });
}

const attributesOf = (value: unknown): Json => {
  if (value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) return value as Json;
  return parseJson(Buffer.isBuffer(value) ? value : String(value ?? ''));
};

/** Read the multipart body: `attributes` (JSON) then `file`, streamed to a staged blob. */
async function receiveUpload(request: FastifyRequest, ctx: EmulatorContext): Promise<{ attributes: Json; staged: StagedBlob }> {
  if (!request.isMultipart()) throw badRequest('Bad Request: multipart/form-data body required');
  let attributes: Json | undefined;
  let staged: StagedBlob | undefined;
  try {
    for await (const part of request.parts()) {
      const isFile = part.type === 'file' || part.fieldname === 'file';
      if (!isFile) {
        if (part.fieldname === 'attributes' && attributes === undefined) attributes = attributesOf((part as MultipartValue).value);
        continue;
      }
      if (staged) {
        if (part.type === 'file') (part as MultipartFile).file.resume();
        continue;
      }
      if (attributes === undefined) {
        throw badRequest("Bad Request: the 'attributes' part must come before the 'file' part", 'metadata_after_file_contents');
      }
      if (part.type === 'file') {
        const file = (part as MultipartFile).file;
        staged = await ctx.state.blobs.stage(file);
        if (file.truncated) throw tooLarge();
      } else {
        staged = ctx.state.blobs.stageBuffer(Buffer.from(String((part as MultipartValue).value ?? '')));
      }
    }
  } catch (err) {
    ctx.state.blobs.discard(staged);
    if (err instanceof EmuApiError) throw err;
    const { code, statusCode } = err as { code?: string; statusCode?: number };
    if (code === 'FST_REQ_FILE_TOO_LARGE' || statusCode === 413) throw tooLarge();
    throw badRequest(`Bad Request: ${(err as Error).message}`);
  }
  if (!staged) throw badRequest("Bad Request: the 'file' part is missing");
  if (!attributes) throw badRequest("Bad Request: the 'attributes' part must come before the 'file' part", 'metadata_after_file_contents');
  return { attributes, staged };
}

/** Box's optional Content-MD5 header carries the SHA-1 of the content (hex). */
function checkContentSha1(request: FastifyRequest, staged: StagedBlob): void {
  const sha1 = header(request, 'content-md5');
  if (sha1 !== undefined && sha1 !== staged.sha1) {
    throw new EmuApiError(400, 'sha1_mismatch', 'The SHA1 in the Content-MD5 header does not match the uploaded content');
  }
}

export default async function uploadsRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const { core, state } = ctx;

  app.post('/api/2.0/files/content', async (request, reply) => {
    const { attributes, staged } = await receiveUpload(request, ctx);
    try {
      checkContentSha1(request, staged);
      const parent = attributes['parent'] as { id?: unknown } | undefined;
      if (typeof parent?.id !== 'string') throw badRequest("Bad Request: 'attributes.parent.id' is required");
      const file = core.uploadFile(request.boxUserId, parent.id, attributes['name'], staged, {
        ...(typeof attributes['content_created_at'] === 'string' && { contentCreatedAt: attributes['content_created_at'] }),
        ...(typeof attributes['content_modified_at'] === 'string' && { contentModifiedAt: attributes['content_modified_at'] }),
      });
      return sendFiles(reply, state, request.boxUserId, file);
    } finally {
      state.blobs.discard(staged);
    }
  });

  app.post('/api/2.0/files/:id/content', async (request, reply) => {
    const { attributes, staged } = await receiveUpload(request, ctx);
    try {
      checkContentSha1(request, staged);
      const ifMatch = header(request, 'if-match');
      const file = core.uploadNewVersion(request.boxUserId, param(request, 'id'), staged, {
        ...(attributes['name'] !== undefined && { name: attributes['name'] }),
        ...(ifMatch !== undefined && { ifMatch }),
      });
      return sendFiles(reply, state, request.boxUserId, file, 200);
    } finally {
      state.blobs.discard(staged);
    }
  });
}

