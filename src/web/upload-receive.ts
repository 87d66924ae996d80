/**
 * Receive a multipart upload (`file`, optional `client` and `profile` fields) by streaming the
 * file straight to disk under AIQC_DATA_DIR: never held in memory, cut off at the size limit
 * with a 413 that says the limit and the fix.
 */
import type {} from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { ConsoleError } from './errors.js';

export interface ReceivedUpload {
  tempPath: string;
  fileName: string;
  fields: Record<string, string>;
}

export async function receiveUpload(request: FastifyRequest, options: { dataDir: string; maxBytes: number }): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw new ConsoleError(400, 'multipart_required', 'Send the file as multipart/form-data with a part named "file".');
  const incoming = join(options.dataDir, 'uploads', '.incoming');
  await mkdir(incoming, { recursive: true, mode: 0o700 });
  const fields: Record<string, string> = {};
  let tempPath: string | undefined;
  let fileName: string | undefined;
  try {
    for await (const part of request.parts({ limits: { fileSize: options.maxBytes, files: 1, fields: 10, fieldSize: 1000 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || tempPath) {
          part.file.resume();
          continue;
        }
        tempPath = join(incoming, randomUUID());
        fileName = part.filename?.trim() || 'upload';
        await pipeline(part.file, createWriteStream(tempPath, { mode: 0o600 }));
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    if (tempPath) await rm(tempPath, { force: true });
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || (error as { statusCode?: number }).statusCode === 413) {
      const mb = Math.round(options.maxBytes / 1024 / 1024);
      throw new ConsoleError(413, 'file_too_large', `The file is larger than the upload limit of ${mb} MB (AIQC_MAX_UPLOAD_MB). Put large files in the client's Box INCOMING folder, or ask an admin to raise the limit.`);
    }
    throw new ConsoleError(400, 'bad_upload', `The upload could not be read: ${(error as Error).message}`);
  }
  if (!tempPath || !fileName) throw new ConsoleError(400, 'file_required', 'Attach the file to check in a part named "file".');
  return { tempPath, fileName, fields };
}
