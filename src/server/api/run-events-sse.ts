/**
 * One run's progress as server-sent events: `progress` {i, n, check_id} … then `done`
 * {verdict, score}, and the stream ends. Events come from RunEvents (memory, or PostgreSQL
 * NOTIFY from any worker); the run row is also re-read every `pollMs`, which both closes the
 * gap between reading the run and subscribing and follows a worker no notification reaches.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import { getRun, type RunDetail, type RunProgress } from '../../web/run-store.js';
import type { RunEvent, RunEvents } from '../../web/run-events.js';

export async function streamRunEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { db: Db; events: RunEvents; run: RunDetail; pollMs: number },
): Promise<void> {
  const runId = deps.run.id;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  let finished = false;
  let lastProgress = '';
  const send = (event: string, data: unknown) => {
    if (!finished) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const progress = (p: RunProgress) => {
    const key = `${p.i}/${p.n}/${p.check_id}`;
    if (key === lastProgress) return;
    lastProgress = key;
    send('progress', p);
  };
  const cleanups: Array<() => void> = [];
  const finish = () => {
    if (finished) return;
    finished = true;
    for (const cleanup of cleanups) cleanup();
    raw.end();
  };
  const fromRow = (run: RunDetail | undefined) => {
    if (!run) return finish();
    if (run.progress && run.status !== 'done') progress(run.progress);
    if (run.status === 'done' || run.status === 'error') {
      send('done', { verdict: run.verdict ?? 'error', score: run.score ?? 0 });
      finish();
    }
  };
  request.raw.on('close', finish);
  fromRow(deps.run);
  if (finished) return;

  const unsubscribe = await deps.events.subscribe(runId, (event: RunEvent) => {
    if (event.type === 'progress') progress({ i: event.i, n: event.n, check_id: event.check_id });
    else {
      send('done', { verdict: event.verdict, score: event.score });
      finish();
    }
  });
  cleanups.push(unsubscribe);
  if (finished) return unsubscribe();
  const poll = setInterval(() => {
    getRun(deps.db.kysely, runId).then(fromRow, () => undefined);
  }, deps.pollMs);
  const heartbeat = setInterval(() => {
    if (!finished) raw.write(': keep-alive\n\n');
  }, 15_000);
  cleanups.push(() => clearInterval(poll), () => clearInterval(heartbeat));
  // The run may have finished between the first read and the subscription.
  fromRow(await getRun(deps.db.kysely, runId));
}
