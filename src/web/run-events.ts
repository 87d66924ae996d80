/**
 * Progress of a QC run, from the worker that runs it to every console page and SSE stream
 * watching it. On PostgreSQL the events go through the database (`pg_notify` / `LISTEN`), so a
 * worker in another process or on another machine reaches the web process; on SQLite (one
 * process) they stay in memory. Subscribers also poll the run row (see the SSE route), so a
 * separate SQLite worker process is still followed, only less promptly.
 */
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Db, Unlisten } from '../db/database.js';

export const RUN_EVENTS_CHANNEL = 'aiqc_run_events';

export type RunEvent =
  | { type: 'progress'; run_id: string; i: number; n: number; check_id: string }
  | { type: 'done'; run_id: string; verdict: string; score: number };

export interface RunEvents {
  publish(event: RunEvent): Promise<void>;
  /** Events of one run; returns the unsubscribe. */
  subscribe(runId: string, listener: (event: RunEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createRunEvents(db: Db): RunEvents {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const deliver = (event: RunEvent) => local.emit(event.run_id, event);
  if (!db.capabilities.notify || !db.listen) {
    return {
      async publish(event) {
        deliver(event);
      },
      async subscribe(runId, listener) {
        local.on(runId, listener);
        return () => void local.off(runId, listener);
      },
      async close() {
        local.removeAllListeners();
      },
    };
  }
  const listen = db.listen;
  // One LISTEN connection per process, opened by the first subscriber.
  let listening: Promise<Unlisten> | undefined;
  const ensureListening = () =>
    (listening ??= listen(RUN_EVENTS_CHANNEL, (payload) => {
      try {
        deliver(JSON.parse(payload) as RunEvent);
      } catch {
        // Not ours (someone else's NOTIFY on the channel); ignore.
      }
    }).catch((error: unknown) => {
      listening = undefined;
      throw error;
    }));
  return {
    async publish(event) {
      await sql`select pg_notify(${RUN_EVENTS_CHANNEL}, ${JSON.stringify(event)})`.execute(db.kysely);
    },
    async subscribe(runId, listener) {
      await ensureListening();
      local.on(runId, listener);
      return () => void local.off(runId, listener);
    },
    async close() {
      local.removeAllListeners();
      const unlisten = await listening?.catch(() => undefined);
      listening = undefined;
      await unlisten?.();
    },
  };
}
