// Box's upload session for big files (at or above the client's chunk threshold): create the
// session, send the file part by part with each part's SHA-1, commit with the whole file's.
// One part is in memory at a time, so memory is bounded by Box's part size, not the file's.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { BoxClient as SdkBoxClient } from 'box-node-sdk';
import type { UploadPart } from 'box-node-sdk/schemas';
import { BoxApiError } from './errors.js';
import type { BoxFileInfo } from './types.js';
import { fileInfo } from './types.js';

export interface ChunkedUploadTarget {
  /** New file in this folder… */
  folderId?: string;
  /** …or a new version of this file. */
  fileId?: string;
  name?: string;
}

export interface ChunkedUploadDeps {
  sdk: SdkBoxClient;
  /** Runs one SDK call under the client's retry policy and types its failure as BoxApiError. */
  call: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The file `name` in `folderId` when it has this SHA-1 (a commit whose answer was lost). */
  findSameContent: (folderId: string, name: string, sha1: string) => Promise<BoxFileInfo | undefined>;
}

export async function uploadChunked(deps: ChunkedUploadDeps, path: string, size: number, target: ChunkedUploadTarget): Promise<BoxFileInfo> {
  const { sdk, call } = deps;
  const session = await call(() =>
    target.fileId
      ? sdk.chunkedUploads.createFileUploadSessionForExistingFile(target.fileId, { fileSize: size, ...(target.name && { fileName: target.name }) })
      : sdk.chunkedUploads.createFileUploadSession({ folderId: target.folderId ?? '0', fileSize: size, fileName: target.name ?? 'upload' }),
  );
  const endpoints = session.sessionEndpoints;
  const partSize = session.partSize ?? 8 * 1024 * 1024;
  if (!endpoints?.uploadPart || !endpoints.commit) {
    throw new BoxApiError({ status: 0, code: 'bad_upload_session', message: 'Box upload session has no endpoints' });
  }
  const fileHash = createHash('sha1');
  const parts: UploadPart[] = [];
  const handle = await open(path, 'r');
  try {
    // One part in memory at a time: Box's part size (8 MiB below 500 MB) bounds it.
    for (let offset = 0; offset < size; offset += partSize) {
      const length = Math.min(partSize, size - offset);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, offset);
      fileHash.update(buffer);
      const digest = `sha=${createHash('sha1').update(buffer).digest('base64')}`;
      const uploaded = await call(() =>
        sdk.chunkedUploads.uploadFilePartByUrl(endpoints.uploadPart ?? '', Readable.from(buffer), {
          digest,
          contentRange: `bytes ${offset}-${offset + length - 1}/${size}`,
        }),
      );
      if (uploaded.part) parts.push(uploaded.part);
    }
  } finally {
    await handle.close();
  }
  const sha1 = fileHash.copy().digest('hex');
  let committed;
  try {
    committed = await call(() => sdk.chunkedUploads.createFileUploadSessionCommitByUrl(endpoints.commit ?? '', { parts }, { digest: `sha=${fileHash.digest('base64')}` }));
  } catch (err) {
    // A commit whose answer was lost is retried into a session that no longer exists (404):
    // if the folder now holds this name with this content, the commit did happen.
    const done = err instanceof BoxApiError && err.status === 404 && target.folderId ? await deps.findSameContent(target.folderId, target.name ?? '', sha1) : undefined;
    if (done) return done;
    throw err;
  }
  const file = committed?.entries?.[0];
  if (!file) throw new BoxApiError({ status: 0, code: 'empty_upload_response', message: 'Box chunked upload commit answered without the file' });
  return fileInfo(file);
}
