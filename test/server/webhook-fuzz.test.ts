// Hostile bodies at POST /api/box/webhook on both engines: thousands of signed and unsigned
// mutations of a real event (NUL characters, over-long ids, deep nesting, wrong types, 10 MB)
// answer only 2xx, 400, 401 or 413 — never 5xx — and nothing is stored for a refused request.
// Before the field bounds, NUL and 10 kB ids reached PostgreSQL and came back as 500.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../src/db/webhook-deliveries.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { buildServer } from '../../src/server/app.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';
import { INCOMING, KEYS, boxEventBody, boxFileJob, signedHeaders, testMapper } from './support.js';

/** mulberry32: the same "random" bodies on every run, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_VALUES: unknown[] = [
  'a\u0000b',
  '\u0000',
  '9'.repeat(10_000),
  '1'.repeat(21),
  'x'.repeat(300),
  '',
  -1,
  1.5,
  1e300,
  Number.MAX_SAFE_INTEGER,
  null,
  true,
  [],
  {},
  ['1'],
  { id: '1' },
  '\ud800',
  '😀'.repeat(200),
  '../../etc/passwd',
  "1'; drop table jobs; --",
  'FILE.UPLOADED\u0000',
];

/** Paths into the event that reach validation, storage or the mapper. */
const TARGETS: string[][] = [
  ['id'],
  ['trigger'],
  ['type'],
  ['created_at'],
  ['webhook'],
  ['webhook', 'id'],
  ['source'],
  ['source', 'id'],
  ['source', 'type'],
  ['source', 'name'],
  ['source', 'file_version'],
  ['source', 'file_version', 'id'],
  ['source', 'parent'],
  ['source', 'parent', 'id'],
  ['source', 'parent', 'name'],
  ['source', 'path_collection', 'entries'],
  ['additional_info'],
  ['created_by'],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  node[path.at(-1) ?? ''] = value;
}

function deepNesting(depth: number): string {
  return `{"id":"evt-deep","trigger":"FILE.UPLOADED","additional_info":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

function mutatedBodies(random: () => number, count: number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const bodies: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = JSON.parse(boxEventBody({ id: `fz-${i}`, fileId: String(200_000 + i), fileVersionId: String(1 + (i % 3)) })) as Record<string, unknown>;
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m += 1) setPath(event, pick(TARGETS), structuredClone(pick(HOSTILE_VALUES)));
    // Some bodies stay well-formed JSON; some are truncated or not JSON at all.
    const text = JSON.stringify(event);
    const shape = random();
    bodies.push(shape < 0.9 ? text : shape < 0.95 ? text.slice(0, Math.floor(random() * text.length)) : `\u0000${text}`);
  }
  return bodies;
}

describe.each(ENGINES)('webhook fuzz on %s', (engine) => {
  let t: TestDatabase;
  let queue: JobQueue;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    queue = new JobQueue({ db: t.db, definitions: [boxFileJob] });
    app = await buildServer({ db: t.db, queue, webhookKeys: KEYS, onWebhookFile: testMapper });
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('answers only 2xx/400/401/413 and stores exactly the accepted events', { timeout: 120_000 }, async () => {
    const random = prng(engine === 'sqlite' ? 10 : 20);
    const signed = mutatedBodies(random, 1200);
    const unsigned = mutatedBodies(random, 300);
    const special = [
      deepNesting(50_000),
      deepNesting(400_000),
      boxEventBody({ id: 'fz-big', name: `${'x'.repeat(10 * 1024 * 1024)}.png` }),
      boxEventBody({ id: 'fz-nul-name', name: 'key\u0000visual.png' }),
      boxEventBody({ id: 'fz-long-id', fileId: '7'.repeat(5000) }),
      boxEventBody({ id: 'fz-ok', parentId: INCOMING }),
    ];
    const statuses = new Map<number, number>();
    const accepted = new Set<string>();
    const send = async (body: string, headers: Record<string, string>): Promise<number> => {
      const response = await app.inject({ method: 'POST', url: '/api/box/webhook', payload: body, headers });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode === 200) accepted.add((JSON.parse(body) as { id: string }).id);
      return response.statusCode;
    };
    for (const body of [...signed, ...special]) await send(body, signedHeaders(body));
    for (const body of unsigned) await send(body, { 'content-type': 'application/json', 'box-delivery-id': 'x', 'box-signature-primary': 'AAAA' });
    expect(Object.fromEntries([...statuses].filter(([s]) => ![200, 400, 401, 413].includes(s)))).toEqual({});
    // A signed, valid event with a delivery-id header that could not be stored as is.
    const hostileHeader = boxEventBody({ id: 'fz-header' });
    expect(await send(hostileHeader, { ...signedHeaders(hostileHeader, { deliveryId: 'd'.repeat(5000) }) })).toBe(400);
    expect(statuses.get(401)).toBe(unsigned.length);
    expect(statuses.get(413)).toBeGreaterThanOrEqual(1);
    expect(statuses.get(400)).toBeGreaterThan(600);
    expect(accepted.has('fz-ok')).toBe(true);
    expect(accepted.has('fz-nul-name') || accepted.has('fz-long-id')).toBe(false);

    // Stored: one delivery per accepted payload id, nothing else; jobs only for accepted events.
    const stored = await listDeliveries(t.db.kysely, { limit: 10_000 });
    expect(new Set(stored.map((d) => d.payloadId))).toEqual(accepted);
    expect(stored).toHaveLength(accepted.size);
    const jobs = await queue.list({ limit: 10_000 });
    const storedFiles = new Set(stored.map((d) => d.fileId));
    expect(jobs.every((job) => storedFiles.has((job.payload as { fileId: string }).fileId))).toBe(true);
  });
});
