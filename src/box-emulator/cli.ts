// The `aiqc-box-emulator` command, callable in-process so tests run exactly what the bin runs.
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { BoxEmulator } from './server.js';
import { startBoxEmulator } from './server.js';

const parseNumber = (what: string, max = Number.MAX_SAFE_INTEGER) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`expected ${what}`);
  return n;
};

interface EmulatorCliOptions {
  port: number;
  host: string;
  state?: string;
  writeAppConfig?: string;
  webhookRetryDelayMs?: number;
  tokenTtlS?: number;
  primaryKey?: string;
  secondaryKey?: string;
  allowInsecureWebhooks?: boolean;
}

/** Parse `argv` (without node and script), start the emulator and print how to point clients at it. */
export async function runBoxEmulatorCli(argv: string[], log: (line: string) => void = console.log): Promise<BoxEmulator> {
  const program = new Command()
    .name('aiqc-box-emulator')
    .description("A local stand-in for Box's API, upload and OAuth hosts, for tests and demos (no Box account needed).")
    .option('--port <port>', 'port to listen on (0 = any free port)', parseNumber('a port number 0–65535', 65535), 0)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--state <file>', 'load state from FILE if present and save every change to it (file content goes to FILE.blobs/)')
    .option('--write-app-config <file>', 'create a fresh JWT app with its own service account and write its Box config JSON to FILE')
    .option('--webhook-retry-delay-ms <ms>', 'wait between webhook delivery tries (Box: minutes to hours)', parseNumber('milliseconds'))
    .option('--primary-key <key>', "webhook signature primary key for the app(s) (aiqc's BOX_WEBHOOK_PRIMARY_KEY)")
    .option('--secondary-key <key>', "webhook signature secondary key (aiqc's BOX_WEBHOOK_SECONDARY_KEY)")
    .option('--allow-insecure-webhooks', 'accept webhook addresses that are not https on port 443 (Box refuses them); for a local http receiver')
    .option('--token-ttl-s <seconds>', 'access token lifetime (Box: 3600); short values exercise refresh', parseNumber('seconds'))
    .exitOverride()
    .parse(argv, { from: 'user' });
  const opts = program.opts<EmulatorCliOptions>();
  const keys = {
    ...(opts.primaryKey !== undefined && { primary: opts.primaryKey }),
    ...(opts.secondaryKey !== undefined && { secondary: opts.secondaryKey }),
  };
  const emulator = await startBoxEmulator({
    port: opts.port,
    host: opts.host,
    ...(opts.state && { statePath: opts.state }),
    ...(opts.webhookRetryDelayMs !== undefined && { webhookRetry: { delaysMs: [opts.webhookRetryDelayMs] } }),
    ...(opts.tokenTtlS !== undefined && { accessTokenTtlS: opts.tokenTtlS }),
    ...((opts.primaryKey || opts.secondaryKey) && { signatureKeys: keys }),
    ...(opts.allowInsecureWebhooks && { allowInsecureWebhooks: true }),
  });
  if (opts.writeAppConfig) {
    const { app, config, serviceAccount } = emulator.admin.createApp('aiqc');
    if (opts.primaryKey || opts.secondaryKey) emulator.admin.setSignatureKeys(app.clientId, keys);
    writeFileSync(opts.writeAppConfig, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    log(`wrote Box app config to ${opts.writeAppConfig} (service account ${serviceAccount.login}, id ${serviceAccount.id})`);
  }
  log(`Box emulator listening on ${emulator.url}`);
  log(`  BOX_API_BASE_URL=${emulator.baseUrls.baseUrl}`);
  log(`  BOX_UPLOAD_BASE_URL=${emulator.baseUrls.uploadUrl}`);
  log(`  BOX_OAUTH2_BASE_URL=${emulator.baseUrls.oauth2Url}`);
  log(`  admin API: ${emulator.url}/_admin/ (apps, users, folders, collaborations, upload, move, deliveries, faults)`);
  return emulator;
}
