// Box's wire format for the emulator's routes: error JSON with request_id, JSON bodies read
// from the raw stream with a limit (413 without buffering past it), query helpers.
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EmuApiError, badRequest } from './errors.js';
import { OAuthError } from './oauth.js';

export type Json = Record<string, unknown>;

export const HELP_URL = 'http://developers.box.com/docs/#errors';
/** JSON and form bodies (Box's are small); larger ones get Box's 413. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** A multipart upload or admin upload: the `max_upload_size` users/me reports. */
export const MAX_UPLOAD_BYTES = 5_000_000_000;

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

export const tooLarge = (): EmuApiError => new EmuApiError(413, 'request_entity_too_large', 'Request body too large');

/** Read (and throw away) what is left of a request body, so the client sees the answer, not a reset. */
export function drain(raw: IncomingMessage): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    raw.on('end', resolve).on('error', () => resolve()).on('close', resolve);
    raw.resume();
  });
}

/** The whole body as a Buffer, refused with 413 past `limit` (the rest is discarded, not kept). */
export function readBody(request: FastifyRequest, limit = MAX_JSON_BYTES): Promise<Buffer> {
  const raw = request.raw;
  if (raw.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (Number(raw.headers['content-length'] ?? 0) > limit) {
    raw.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      raw.off('data', onData);
      raw.resume();
      reject(tooLarge());
    };
    raw.on('data', onData);
    raw.once('end', () => resolve(Buffer.concat(chunks)));
    raw.once('error', reject);
    raw.once('close', () => {
      if (!raw.readableEnded) reject(badRequest('the request body ended early'));
    });
  });
}

export function parseJson(body: Buffer | string): Json {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to Box's answer for an unreadable body
  }
  throw badRequest('Could not parse JSON', 'bad_request');
}

export const readJson = async (request: FastifyRequest): Promise<Json> => parseJson(await readBody(request));
export const readForm = async (request: FastifyRequest): Promise<URLSearchParams> => new URLSearchParams((await readBody(request)).toString('utf8'));

/** The query as URLSearchParams (Box's repeated and empty parameters kept as sent). */
export const query = (request: FastifyRequest): URLSearchParams => {
  const at = request.url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1));
};

export const fieldsParam = (request: FastifyRequest): string[] | undefined => {
  const raw = query(request).get('fields');
  return raw ? raw.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
};

export const originOf = (request: FastifyRequest): string => `http://${request.headers.host ?? 'localhost'}`;

export const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Route parameter, as the router decoded it. */
export const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string | undefined>)[name] ?? '';

/** JSON with Box's bare `application/json` content type (a Buffer, so no `charset` is appended). */
export function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers({ ...headers, 'content-type': 'application/json' }).send(Buffer.from(JSON.stringify(body)));
}

export function sendEmpty(reply: FastifyReply, status: number, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).send();
}

const FRAMEWORK_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'request_entity_too_large',
  415: 'bad_request',
};

/** Any error as Box would answer it: OAuth's shape on the token endpoint, Box's error JSON elsewhere. */
export function errorAnswer(err: unknown, requestId: string): { status: number; json: Json; headers: Record<string, string> } {
  if (err instanceof OAuthError) return { status: err.status, json: { error: err.error, error_description: err.description }, headers: {} };
  const box = (status: number, code: string, message: string): Json => ({ type: 'error', status, code, help_url: HELP_URL, message, request_id: requestId });
  if (err instanceof EmuApiError) {
    const json = box(err.status, err.code, err.message);
    if (err.contextInfo) json['context_info'] = err.contextInfo;
    return { status: err.status, json, headers: err.headers };
  }
  if (err instanceof URIError) return { status: 400, json: box(400, 'bad_request', 'Malformed URL'), headers: {} };
  const status = (err as { statusCode?: unknown }).statusCode;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = FRAMEWORK_CODES[status] ?? 'bad_request';
    return { status, json: box(status, code, status === 413 ? 'Request body too large' : `Bad Request: ${message}`), headers: {} };
  }
  return { status: 500, json: box(500, 'internal_server_error', `Emulator error: ${message}`), headers: {} };
}
