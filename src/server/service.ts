import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/queue.js';
import { Worker, type WorkerOptions } from '../jobs/worker.js';
import { buildServer, type ServerDeps } from './app.js';

/** Something that runs beside the server and worker (e.g. the Box sweeper). */
export interface BackgroundTask {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface ServiceOptions {
  db: Db;
  queue: JobQueue;
  logger?: Logger;
  /** Serve HTTP (aiqc serve); omit for a worker-only process (aiqc worker). */
  http?: Omit<ServerDeps, 'db' | 'queue' | 'logger'> & { port: number; host: string };
  /** Run jobs in this process; omit for an HTTP-only process. */
  worker?: Omit<WorkerOptions, 'queue' | 'logger'>;
  background?: readonly BackgroundTask[];
  /** How long running jobs may take to finish on stop before they are released (default 30 s). */
  shutdownGraceMs?: number;
}

export interface RunningService {
  /** `http://host:port` when serving HTTP. */
  readonly url: string | undefined;
  readonly app: FastifyInstance | undefined;
  readonly worker: Worker | undefined;
  /**
   * Stop in the order that loses nothing: stop accepting requests (in-flight ones complete),
   * stop background tasks, let the worker finish or release its jobs, close the database.
   */
  stop(): Promise<void>;
}

/** Start the server, the worker and background tasks on one database; see `stopOnSignals`. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const worker = options.worker ? new Worker({ ...options.worker, queue: options.queue, logger }) : undefined;
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  const started: BackgroundTask[] = [];
  try {
    // The worker first: it refuses to start when the queue holds kinds it cannot run, and that
    // should stop the process before it accepts webhooks.
    await worker?.start();
    if (options.http) {
      const { port, host, ...deps } = options.http;
      app = await buildServer({ ...deps, db: options.db, queue: options.queue, logger });
      url = await app.listen({ port, host });
      logger.info({ url, base_path: deps.basePath ?? '' }, `listening on ${url}`);
    }
    for (const task of options.background ?? []) {
      await task.start();
      started.push(task);
    }
  } catch (error) {
    await app?.close().catch(() => {});
    for (const task of started) await Promise.resolve(task.stop()).catch(() => {});
    await worker?.stop(0).catch(() => {});
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    app,
    worker,
    stop() {
      stopping ??= (async () => {
        await app?.close();
        for (const task of [...started].reverse()) {
          try {
            await task.stop();
          } catch (error) {
            logger.error({ task: task.name, err: (error as Error).message }, 'background task did not stop cleanly');
          }
        }
        await worker?.stop(options.shutdownGraceMs ?? 30_000);
        await options.db.close();
      })();
      return stopping;
    },
  };
}
