// Box's multipart upload, streamed from disk. box-node-sdk 10.12's uploads.uploadFile reads
// the whole stream into memory first (verified in test/box/sdk-defects.test.ts), so files go
// through here instead: attributes part, then the file piped straight from a read stream.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export interface MultipartUploadRequest {
  url: string;
  attributes: Record<string, unknown>;
  /** The file's bytes, opened afresh for each try, and their exact count. */
  content: { size: number; open: () => AsyncIterable<Buffer> };
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

export function fileContent(path: string, size: number): MultipartUploadRequest['content'] {
  return { size, open: () => createReadStream(path, { highWaterMark: 256 * 1024 }) };
}

/** POST one multipart upload with the content streamed as it is read; never buffers the file. */
export async function postMultipartStreamed(request: MultipartUploadRequest): Promise<RawResponse> {
  const boundary = `aiqc-${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="attributes"\r\n\r\n${JSON.stringify(request.attributes)}\r\n` +
      // Box takes the name from `attributes`; the part's filename is only a label.
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const { size } = request.content;
  async function* body(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of request.content.open()) yield chunk;
    yield tail;
  }
  const response = await fetch(request.url, {
    method: 'POST',
    headers: {
      authorization: request.authorization,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
      ...request.extraHeaders,
    },
    body: Readable.toWeb(Readable.from(body())) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
}
