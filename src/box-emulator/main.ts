#!/usr/bin/env node
// aiqc-box-emulator --port P [--state FILE] [--write-app-config FILE]
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { startBoxEmulator } from './server.js';

const parsePort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number 0–65535');
  return port;
};

const program = new Command()
  .name('aiqc-box-emulator')
  .description("A local stand-in for Box's API, upload and OAuth hosts, for tests and demos (no Box account needed).")
  .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 0)
  .option('--host <host>', 'interface to bind', '127.0.0.1')
  .option('--state <file>', 'load state from FILE if present and save every change to it')
  .option('--write-app-config <file>', "create a fresh JWT app with its own service account and write its Box config JSON to FILE")
  .option('--webhook-retry-delay-ms <ms>', 'wait between webhook delivery tries (Box: minutes to hours)', (v) => Number(v))
  .action(async (opts: { port: number; host: string; state?: string; writeAppConfig?: string; webhookRetryDelayMs?: number }) => {
    const emulator = await startBoxEmulator({
      port: opts.port,
      host: opts.host,
      ...(opts.state && { statePath: opts.state }),
      ...(opts.webhookRetryDelayMs !== undefined && { webhookRetry: { delaysMs: [opts.webhookRetryDelayMs] } }),
    });
    if (opts.writeAppConfig) {
      const { config, serviceAccount } = emulator.admin.createApp('aiqc');
      writeFileSync(opts.writeAppConfig, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      console.log(`wrote Box app config to ${opts.writeAppConfig} (service account ${serviceAccount.login}, id ${serviceAccount.id})`);
    }
    console.log(`Box emulator listening on ${emulator.url}`);
    console.log(`  BOX_API_BASE_URL=${emulator.baseUrls.baseUrl}`);
    console.log(`  BOX_UPLOAD_BASE_URL=${emulator.baseUrls.uploadUrl}`);
    console.log(`  BOX_OAUTH2_BASE_URL=${emulator.baseUrls.oauth2Url}`);
    console.log(`  admin API: ${emulator.url}/_admin/ (apps, users, folders, collaborations, upload, move, deliveries, faults)`);
    const stop = (): void => {
      void emulator.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`aiqc-box-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
