// Every emulator response aiqc relies on, validated against the schema Box's own OpenAPI
// spec gives for that operation and status. The spec is not ours to commit: it is read from
// BOX_OPENAPI_SPEC (.ci/run points it at ../shared/box-openapi/openapi.json).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededEmulator } from './fixtures.js';
import { startSeededEmulator } from './fixtures.js';
import { startReceiver } from './receiver.js';

// Never skipped: without the spec this suite fails and says how to provide it (.ci/run
// sets BOX_OPENAPI_SPEC; a checkout beside ../shared finds it on its own).
const specPath = process.env['BOX_OPENAPI_SPEC'] ?? fileURLToPath(new URL('../../../shared/box-openapi/openapi.json', import.meta.url));
const specMissing = existsSync(specPath)
  ? undefined
  : `Box's OpenAPI spec is missing at ${specPath}: set BOX_OPENAPI_SPEC to Box's openapi.json (github.com/box/box-openapi; .ci/run uses ../shared/box-openapi/openapi.json).`;

type Json = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
}

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0 schema → JSON Schema Ajv can compile: `nullable: true` becomes a `null` type
 * (or an anyOf with null where no type is given), and examples go — they are documentation,
 * and some hold `$id` keys Ajv would read as schema ids.
 */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (!value || typeof value !== 'object') return value;
  const node: Json = Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'example' && key !== 'examples')
      .map(([key, v]) => [key, toJsonSchema(v)]),
  );
  const allOf = node['allOf'];
  if (Array.isArray(allOf) && allOf.some((member) => isNullableMarker(member))) {
    // Box's spec writes "this object, or null" as allOf [object, {description}, {nullable: true}].
    const { allOf: _allOf, ...rest } = node;
    return { ...rest, anyOf: [{ type: 'null' }, { allOf: allOf.filter((member) => !isNullableMarker(member)) }] };
  }
  if (!('nullable' in node)) return node;
  const nullable = node['nullable'] === true;
  delete node['nullable'];
  if (!nullable) return node;
  if (typeof node['type'] === 'string') {
    node['type'] = [node['type'], 'null'];
    if (Array.isArray(node['enum'])) node['enum'] = [...(node['enum'] as unknown[]), null];
    return node;
  }
  return { anyOf: [{ type: 'null' }, node] };
}

/** `{nullable: true}` alone (after conversion: anyOf [null, {}]) inside an allOf. */
function isNullableMarker(member: unknown): boolean {
  const anyOf = (member as { anyOf?: unknown[] } | null)?.anyOf;
  return Array.isArray(anyOf) && anyOf.length === 2 && JSON.stringify(anyOf[0]) === '{"type":"null"}' && JSON.stringify(anyOf[1]) === '{}';
}

interface Validators {
  response: (method: string, path: string, status: number, body: unknown) => string[];
  schema: (name: string, value: unknown) => string[];
}

function buildValidator(spec: Spec): Validators {
  const components = toJsonSchema(spec.components) as Spec['components'];
  // Box's spec lists generic codes only, but Box answers with specific ones its guides
  // document (item_name_in_use, rate_limit_exceeded, access_denied_insufficient_permissions…),
  // and aiqc's error handling depends on those: keep the type check, drop the enum.
  const clientError = components.schemas['ClientError'] as { properties: { code: Json } };
  delete clientError.properties.code['enum'];
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const format of ['digest', 'token', 'urn', 'timezone', 'int32', 'int64', 'url', '<width>x<height>']) ajv.addFormat(format, true);
  ajv.addSchema({ $id: 'box.json', components });
  const cache = new Map<string, ValidateFunction>();
  const problemsOf = (validate: ValidateFunction, value: unknown): string[] =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  const schema = (name: string, value: unknown): string[] => {
    let validate = cache.get(`schema ${name}`);
    if (!validate) {
      validate = ajv.compile({ $ref: `box.json#/components/schemas/${name}` });
      cache.set(`schema ${name}`, validate);
    }
    return problemsOf(validate, value);
  };
  const response = (method: string, path: string, status: number, body: unknown): string[] => {
    const operation = spec.paths[path]?.[method.toLowerCase()];
    if (!operation) return [`the spec has no operation ${method} ${path}`];
    const response = operation.responses[String(status)] ?? (status >= 400 ? operation.responses['default'] : undefined);
    if (!response) return [`the spec documents no ${status} response for ${method} ${path}`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return body === undefined ? [] : [`the spec documents no JSON body for ${status} ${method} ${path}`];
    const key = `${method} ${path} ${status}`;
    let validate = cache.get(key);
    if (!validate) {
      const rewritten = JSON.parse(JSON.stringify(toJsonSchema(schema)).replaceAll('"#/components/', '"box.json#/components/')) as Json;
      validate = ajv.compile(rewritten);
      cache.set(key, validate);
    }
    return problemsOf(validate, body);
  };
  return { response, schema };
}

describe('emulator responses conform to Box’s OpenAPI spec', () => {
  let seed: SeededEmulator;
  let validators: Validators;
  let access = '';
  const checked: string[] = [];

  /** Call the emulator and validate the answer against the spec's operation `specPath`. */
  async function call(method: string, emulatorPath: string, specPath: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${seed.emulator.url}${emulatorPath}`, {
      method,
      redirect: 'manual',
      ...init,
      headers: { authorization: `Bearer ${access}`, ...(init.headers as Record<string, string> | undefined) },
    });
    const text = await res.text();
    const body = text ? (JSON.parse(text) as Json) : undefined;
    const problems = validators.response(method, specPath, res.status, body);
    expect(problems, `${method} ${emulatorPath} → ${res.status}\n${problems.join('\n')}`).toEqual([]);
    checked.push(`${method} ${specPath} ${res.status}`);
    return { status: res.status, body: body ?? {} };
  }
  const json = (value: unknown): RequestInit => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    if (specMissing) throw new Error(specMissing);
    validators = buildValidator(JSON.parse(readFileSync(specPath, 'utf8')) as Spec);
    seed = await startSeededEmulator({ chunkedUploadMinBytes: 1000, chunkedUploadPartBytes: 1024 });
    const { config } = seed.emulator.admin.defaultApp();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: config.boxAppSettings.clientID,
      client_secret: config.boxAppSettings.clientSecret,
      box_subject_type: 'enterprise',
      box_subject_id: config.enterpriseID,
    });
    const token = await call('POST', '/oauth2/token', '/oauth2/token', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    access = String(token.body['access_token']);
  });
  afterAll(async () => {
    console.info(`conformance: ${checked.length} responses validated (${new Set(checked).size} distinct operation/status pairs)`);
    await seed.close();
  });

  it('OAuth token errors', async () => {
    const bad = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' });
    const res = await call('POST', '/oauth2/token', '/oauth2/token', { body: bad, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(400);
  });

  it('users/me, folders, items and errors', async () => {
    await call('GET', '/2.0/users/me', '/users/me');
    await call('GET', '/2.0/folders/0', '/folders/{folder_id}');
    await call('GET', `/2.0/folders/${seed.incoming.id}`, '/folders/{folder_id}');
    await call('GET', `/2.0/folders/${seed.incoming.id}?fields=name,permissions`, '/folders/{folder_id}');
    expect((await call('GET', `/2.0/folders/${seed.privateFolder.id}`, '/folders/{folder_id}')).status).toBe(403);
    expect((await call('GET', '/2.0/folders/424242424', '/folders/{folder_id}')).status).toBe(404);
    const sub = await call('POST', '/2.0/folders', '/folders', json({ name: 'Sub', parent: { id: seed.incoming.id } }));
    expect(sub.status).toBe(201);
    const conflict = await call('POST', '/2.0/folders', '/folders', json({ name: 'Sub', parent: { id: seed.incoming.id } }));
    expect(conflict.status).toBe(409);
    expect((await call('POST', '/2.0/folders', '/folders', json({ name: 'No', parent: { id: seed.viewerFolder.id } }))).status).toBe(403);
    seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'a.png', content: 'a' });
    await call('GET', `/2.0/folders/${seed.incoming.id}/items?limit=1&offset=0`, '/folders/{folder_id}/items');
    await call('GET', `/2.0/folders/${seed.incoming.id}/items?usemarker=true&limit=1`, '/folders/{folder_id}/items');
    await call('GET', `/2.0/folders/${seed.incoming.id}/items?fields=name,size,sha1,file_version,modified_at`, '/folders/{folder_id}/items');
  });

  it('files: upload, info, new version, move, download redirect, conflict', async () => {
    const form = new FormData();
    form.append('attributes', JSON.stringify({ name: 'clip.mp4', parent: { id: seed.incoming.id } }));
    form.append('file', new Blob([randomBytes(100)]), 'clip.mp4');
    const uploaded = await call('POST', '/api/2.0/files/content', '/files/content', { body: form });
    expect(uploaded.status).toBe(201);
    const fileId = String((uploaded.body['entries'] as Json[])[0]?.['id']);
    const again = new FormData();
    again.append('attributes', JSON.stringify({ name: 'clip.mp4', parent: { id: seed.incoming.id } }));
    again.append('file', new Blob(['x']), 'clip.mp4');
    expect((await call('POST', '/api/2.0/files/content', '/files/content', { body: again })).status).toBe(409);
    await call('GET', `/2.0/files/${fileId}`, '/files/{file_id}');
    const version = new FormData();
    version.append('attributes', JSON.stringify({ name: 'clip.mp4' }));
    version.append('file', new Blob([randomBytes(50)]), 'clip.mp4');
    expect((await call('POST', `/api/2.0/files/${fileId}/content`, '/files/{file_id}/content', { body: version })).status).toBe(200);
    const processed = await call('POST', '/2.0/folders', '/folders', json({ name: '_PROCESSED', parent: { id: seed.incoming.id } }));
    await call('PUT', `/2.0/files/${fileId}`, '/files/{file_id}', json({ name: 'S_clip.mp4', parent: { id: String(processed.body['id']) } }));
    const redirect = await call('GET', `/2.0/files/${fileId}/content`, '/files/{file_id}/content');
    expect(redirect.status).toBe(302);
    const copy = await call('POST', `/2.0/files/${fileId}/copy`, '/files/{file_id}/copy', json({ parent: { id: seed.incoming.id } }));
    expect(copy.status).toBe(201);
    expect((await call('POST', `/2.0/files/${fileId}/copy`, '/files/{file_id}/copy', json({ parent: { id: seed.incoming.id } }))).status).toBe(409);
    const copyId = String(copy.body['id']);
    expect((await call('DELETE', `/2.0/files/${copyId}`, '/files/{file_id}')).status).toBe(204);
    expect((await call('GET', `/2.0/files/${copyId}/trash`, '/files/{file_id}/trash')).body['item_status']).toBe('trashed');
    expect((await call('POST', `/2.0/files/${copyId}`, '/files/{file_id}', json({}))).status).toBe(201);
  });

  it('chunked upload sessions', async () => {
    const content = randomBytes(2500);
    const session = await call('POST', '/api/2.0/files/upload_sessions', '/files/upload_sessions', json({ folder_id: seed.incoming.id, file_size: content.length, file_name: 'big.wav' }));
    const sessionId = String(session.body['id']);
    const parts: Json[] = [];
    for (let offset = 0; offset < content.length; offset += 1024) {
      const chunk = content.subarray(offset, offset + 1024);
      const put = await call('PUT', `/api/2.0/files/upload_sessions/${sessionId}`, '/files/upload_sessions/{upload_session_id}', {
        body: chunk,
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${offset}-${offset + chunk.length - 1}/${content.length}`,
          digest: `sha=${createHash('sha1').update(chunk).digest('base64')}`,
        },
      });
      parts.push(put.body['part'] as Json);
    }
    await call('GET', `/api/2.0/files/upload_sessions/${sessionId}`, '/files/upload_sessions/{upload_session_id}');
    await call('GET', `/api/2.0/files/upload_sessions/${sessionId}/parts`, '/files/upload_sessions/{upload_session_id}/parts');
    const commit = await call('POST', `/api/2.0/files/upload_sessions/${sessionId}/commit`, '/files/upload_sessions/{upload_session_id}/commit', {
      body: JSON.stringify({ parts }),
      headers: { 'content-type': 'application/json', digest: `sha=${createHash('sha1').update(content).digest('base64')}` },
    });
    expect(commit.status).toBe(201);
  });

  it('webhooks and rate limiting', async () => {
    const created = await call('POST', '/2.0/webhooks', '/webhooks', json({ target: { id: seed.incoming.id, type: 'folder' }, address: 'https://aiqc.example.com/api/box/webhook', triggers: ['FILE.UPLOADED'] }));
    const id = String(created.body['id']);
    await call('GET', '/2.0/webhooks?limit=1', '/webhooks');
    await call('GET', `/2.0/webhooks/${id}`, '/webhooks/{webhook_id}');
    await call('PUT', `/2.0/webhooks/${id}`, '/webhooks/{webhook_id}', json({ triggers: ['FILE.UPLOADED'] }));
    expect((await call('DELETE', `/2.0/webhooks/${id}`, '/webhooks/{webhook_id}')).status).toBe(204);
    expect((await call('GET', `/2.0/webhooks/${id}`, '/webhooks/{webhook_id}')).status).toBe(404);
    seed.emulator.admin.injectFault({ path: '/2.0/webhooks', status: 429, retryAfter: 1 });
    expect((await call('GET', '/2.0/webhooks', '/webhooks')).status).toBe(429);
  });

  it('webhook delivery payloads carry a spec-shaped file and user', async () => {
    const receiver = await startReceiver();
    try {
      await call('POST', '/2.0/webhooks', '/webhooks', json({ target: { id: seed.incoming.id, type: 'folder' }, address: receiver.url, triggers: ['FILE.UPLOADED'] }));
      seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: seed.incoming.id, name: 'delivered.mp4', content: 'mp4' });
      await seed.emulator.admin.waitForDeliveries();
      expect(receiver.received).toHaveLength(1);
      const payload = JSON.parse(receiver.received[0]?.body.toString('utf8') ?? '{}') as Json;
      expect(validators.schema('File', payload['source'])).toEqual([]);
      expect(validators.schema('User--Mini', payload['created_by'])).toEqual([]);
      expect(validators.schema('Webhook--Mini', payload['webhook'])).toEqual([]);
      checked.push('webhook payload source/created_by/webhook');
    } finally {
      await receiver.close();
    }
  });
});
