import type { Logger } from 'pino';

export interface ShutdownOptions {
  /** Stops everything (server, worker with its grace period, database). */
  stop: () => Promise<void>;
  logger: Logger;
  signals?: readonly NodeJS.Signals[];
  /** The process to listen on (tests pass a child's own `process`; default the current one). */
  proc?: NodeJS.Process;
}

/**
 * On the first SIGTERM/SIGINT run `stop` once (the worker finishes or releases its jobs within
 * its grace period), then let the process exit with code 0; a second signal exits at once
 * with 130. Returns a function that removes the listeners.
 */
export function stopOnSignals(options: ShutdownOptions): () => void {
  const proc = options.proc ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now without waiting for running jobs');
      proc.exit(130);
      return;
    }
    stopping = true;
    options.logger.info({ signal }, 'shutting down: no new jobs, finishing or releasing running ones');
    options
      .stop()
      .then(() => {
        options.logger.info('shutdown complete');
        proc.exitCode = proc.exitCode ?? 0;
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        proc.exitCode = 1;
      });
  };
  for (const signal of signals) proc.on(signal, onSignal);
  return () => {
    for (const signal of signals) proc.off(signal, onSignal);
  };
}
