// `aiqc serve` (webhook server + worker + sweeper) and `aiqc worker` (worker only). Both run
// until SIGTERM/SIGINT, then stop in the order that loses nothing (src/server/service.ts).
import type { Command } from 'commander';
import pino, { type Logger } from 'pino';
import { LOG_REDACT } from '../boxconnect/redact.js';
import { stopOnSignals } from '../jobs/shutdown.js';
import { UsageError } from './errors.js';
import { startPipelineFromEnv, type PipelineRole } from '../pipeline/service.js';

const CONFIG_ERROR_CODES = new Set(['db_config', 'notify_settings', 'serve_config']);

export interface ServeCommandDeps {
  env: Record<string, string | undefined>;
  /** Structured logs go to stdout (pino, one JSON object per line). */
  logger?: Logger;
}

export function registerServeCommands(program: Command, deps: ServeCommandDeps): void {
  const run = (role: PipelineRole) => async () => {
    const logger = deps.logger ?? pino({ level: deps.env.LOG_LEVEL?.trim() || 'info', redact: LOG_REDACT });
    let running: Awaited<ReturnType<typeof startPipelineFromEnv>>;
    try {
      running = await startPipelineFromEnv(role, deps.env, logger);
    } catch (error) {
      // Settings problems name the variable and the fix: print them as usage errors (exit 2).
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && CONFIG_ERROR_CODES.has(code)) throw new UsageError((error as Error).message);
      throw error;
    }
    logger.info({ role, url: running.url ?? null }, role === 'serve' ? `aiqc serve ready on ${running.url}` : 'aiqc worker ready');
    // Keep the command pending until the signal-driven stop has finished.
    await new Promise<void>((resolve) => {
      const removeListeners = stopOnSignals({
        logger,
        stop: async () => {
          try {
            await running.stop();
          } finally {
            removeListeners();
            resolve();
          }
        },
      });
    });
  };
  program
    .command('serve')
    .description('run the Box webhook server, the job worker and the sweeper (PORT, HOST, BOX_*; see README)')
    .action(run('serve'));
  program
    .command('worker')
    .description('run only the job worker (scale out: several on one PostgreSQL DATABASE_URL)')
    .action(run('worker'));
}
