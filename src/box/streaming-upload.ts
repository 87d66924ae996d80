// Box's multipart upload, streamed from disk. box-node-sdk 10.12's uploads.uploadFile reads
// the whole stream into memory first (verified in test/box/sdk-defects.test.ts), so files go
// through here instead: a FormData of the attributes part, then the file as a Blob from
// `fs.openAsBlob`. fetch (undici) sends a FormData body as it reads it — the attributes, then
// the Blob's stream — and knows every part's size, so the request carries a Content-Length and
// starts before the file has been read (test/box/sdk-defects.test.ts measures this).
// Memory is bounded by the chunk threshold (50 MB), not by streaming: Node 24's fetch does not
// wait for the socket to drain, so against a reader slower than the disk it reads ahead and
// can queue up to the whole file (measured: 100 MB file, slow server, ~108 MB live; the earlier
// hand-written body through fetch: ~95 MB; node:http with pipeline: ~5 MB).

import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';

export interface MultipartUploadRequest {
  url: string;
  attributes: Record<string, unknown>;
  /** The file's bytes, read lazily from disk (`fileContent`); any Blob does. */
  file: Blob;
  authorization: string;
  extraHeaders?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** SHA-1 of a file, streamed; Box checks it when sent as Content-MD5 (despite the name). */
export async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The file as a Blob backed by the file on disk: nothing is read until it is streamed, each
 * try streams it afresh, and a file changed after this call fails the read instead of sending
 * bytes that no longer match the SHA-1 sent with them.
 */
export function fileContent(path: string): Promise<Blob> {
  return openAsBlob(path);
}

/** POST one multipart upload, the file read as it is sent (see the note above on memory). */
export async function postMultipartStreamed(request: MultipartUploadRequest): Promise<RawResponse> {
  const form = new FormData();
  // Box wants `attributes` before `file`; FormData keeps the order parts were appended in.
  form.append('attributes', JSON.stringify(request.attributes));
  // Box takes the name from `attributes`; the part's filename is only a label.
  form.append('file', request.file, 'upload');
  const response = await fetch(request.url, {
    method: 'POST',
    headers: { authorization: request.authorization, ...request.extraHeaders },
    body: form,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
}
