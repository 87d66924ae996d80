// `aiqc box …`: the Box admin commands — inspect folders, register and remove webhooks, and
// `doctor`, which walks the onboarding runbook and prints each check with its fix.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import type { BoxClient, BoxWebhook } from '../box/index.js';
import { BoxApiError, BoxConfigError } from '../box/index.js';
import type { BoxFolderMapping, ClientConfig, ClientsConfig } from '../config/clients.js';
import { ConfigError } from '../config/errors.js';
import { findChromium } from '../report/pdf.js';
import { EXIT_QC_FAILED, EXIT_USAGE, UsageError } from './errors.js';

/** `box doctor --exit-code`: a folder went silent or lost its webhook (cron/alerting tells it from other failures). */
export const EXIT_WEBHOOK_ALERT = 3;

/** Health of one INCOMING folder's webhook as the job store sees it (optional; from the pipeline). */
export interface WebhookHealth {
  folderId: string;
  lastDeliveryAt?: string;
  missedCount: number;
  lastMissedAt?: string;
  /** Box deleted this folder's webhook (WEBHOOK.DELETED, after 30 days without a 2xx). */
  webhookDeletedAt?: string;
  /**
   * The sweeper found an upload no webhook announced after the last delivery (src/ops/folder-silence.ts).
   * When given, it (not a historic missed count) decides whether the line fails.
   */
  silent?: boolean;
}

export interface BoxCommandDeps {
  /** The process's Box client; called lazily so a missing configuration is reported, not thrown at start. */
  box: () => BoxClient;
  /** clients.yaml, loaded and validated (src/config/clients.ts). */
  loadClients: () => Promise<ClientsConfig>;
  /** Environment, for the signing keys and credentials `doctor` checks. */
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  setExitCode: (code: number) => void;
  /** ffmpeg binary `doctor` checks (default `ffmpeg`). */
  ffmpegPath?: string;
  webhookHealth?: () => Promise<WebhookHealth[]>;
}

const TRIGGER = 'FILE.UPLOADED';

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Run a command body: configuration problems exit 2, Box failures exit 1, both with the fix. */
function action<A extends unknown[]>(deps: BoxCommandDeps, body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (err) {
      deps.err(`aiqc box: ${describeError(err)}`);
      deps.setExitCode(err instanceof BoxConfigError || err instanceof ConfigError || err instanceof UsageError ? EXIT_USAGE : EXIT_QC_FAILED);
    }
  };
}

function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL: pass the full webhook address, e.g. https://aiqc.example.com/api/box/webhook`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`"${raw}" is not an http(s) URL`);
  return url;
}

interface FolderTarget {
  client: ClientConfig;
  folder: BoxFolderMapping;
}

function incomingTargets(clients: ClientsConfig): FolderTarget[] {
  return clients.clients.flatMap((client) => client.folders.map((folder) => ({ client, folder })));
}

const isHttpsOn443 = (url: URL): boolean => url.protocol === 'https:' && (url.port === '' || url.port === '443');

const sameAddress = (a: string | undefined, b: string): boolean => a !== undefined && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * Make the folder's one webhook (Box allows one per item per app) point at `url`: create it,
 * leave it, or move its address with a PUT. 'conflict' when Box says one appeared meanwhile.
 */
async function registerFolderWebhook(client: BoxClient, existing: BoxWebhook[], folderId: string, url: string): Promise<string> {
  const current = existing.find((w) => w.targetType === 'folder' && w.targetId === folderId);
  if (current && sameAddress(current.address, url)) return 'SKIP — webhook already exists';
  if (current) {
    const updated = await client.updateWebhookAddress(current.id, url);
    return `UPDATED webhook id=${updated.id} → ${url}`;
  }
  try {
    const created = await client.createWebhook({ targetId: folderId, address: url, triggers: [TRIGGER] });
    return `CREATED webhook id=${created.id}`;
  } catch (err) {
    if (err instanceof BoxApiError && err.status === 409) return 'conflict';
    throw err;
  }
}

export function registerBoxCommands(program: Command, deps: BoxCommandDeps): Command {
  const box = program.command('box').description('Box admin: folders, webhooks and the onboarding doctor');

  box
    .command('list-folder')
    .argument('<folder-id>', 'Box folder id (0 = the service account\'s root)')
    .description('List the items in a Box folder as the service account sees it')
    .action(
      action(deps, async (folderId: string) => {
        const items = await deps.box().listAllItems(folderId);
        deps.out(`Folder ${folderId} contains ${items.length} items:`);
        for (const item of items) {
          const size = item.size !== undefined ? `  ${item.size} bytes` : '';
          deps.out(`  ${item.type.padEnd(6)} ${item.id.padEnd(14)} ${item.name}${size}`);
        }
      }),
    );

  box
    .command('register-all-clients')
    .argument('<url>', "aiqc's webhook address, e.g. https://aiqc.example.com/api/box/webhook")
    .description("Create a FILE.UPLOADED webhook on every configured INCOMING folder, or move an existing one to URL (idempotent)")
    .action(
      action(deps, async (rawUrl: string) => {
        const parsed = parseWebhookUrl(rawUrl);
        const url = parsed.toString();
        if (!isHttpsOn443(parsed)) deps.err(`warning: Box only delivers webhooks to https:// on port 443; ${url} will be refused by Box (fine for the emulator)`);
        const clients = await deps.loadClients();
        const targets = incomingTargets(clients);
        if (targets.length === 0) {
          throw new UsageError(`no Box folders are configured in ${clients.file}: add clients.<id>.box.folders with incoming_folder_id and reports_folder_id`);
        }
        const client = deps.box();
        let existing = await client.listAllWebhooksDetailed();
        let failed = false;
        for (const { client: c, folder } of targets) {
          const label = `${c.id} (${folder.incoming_folder_id})`;
          try {
            let outcome = await registerFolderWebhook(client, existing, folder.incoming_folder_id, url);
            if (outcome === 'conflict') {
              // Another run created one since we listed: Box allows one per folder, so re-read and update it.
              existing = await client.listAllWebhooksDetailed();
              outcome = await registerFolderWebhook(client, existing, folder.incoming_folder_id, url);
            }
            deps.out(`${label}: ${outcome === 'conflict' ? 'SKIP — webhook already exists' : outcome}`);
          } catch (err) {
            failed = true;
            deps.out(`${label}: FAILED — ${describeError(err)}`);
          }
        }
        if (failed) deps.setExitCode(EXIT_QC_FAILED);
      }),
    );

  box
    .command('list-webhooks')
    .description("List this Box app's webhooks with the client each one serves")
    .action(
      action(deps, async () => {
        const webhooks = await deps.box().listAllWebhooksDetailed();
        const clients = await deps.loadClients().catch(() => undefined);
        deps.out(`${webhooks.length} webhooks:`);
        for (const w of webhooks) {
          const owner = w.targetType === 'folder' ? clients?.byIncomingFolder(w.targetId)?.client.id : undefined;
          deps.out(`  id=${w.id}  ${w.targetType} ${w.targetId}${owner ? ` (${owner})` : ''}  ${w.address ?? '?'}  ${(w.triggers ?? []).join(',')}`);
        }
      }),
    );

  box
    .command('delete-webhook')
    .argument('<webhook-id>')
    .description('Delete one webhook by id')
    .action(
      action(deps, async (webhookId: string) => {
        await deps.box().deleteWebhook(webhookId);
        deps.out(`Deleted webhook ${webhookId}`);
      }),
    );

  box
    .command('unregister-client')
    .argument('<client>', 'client id from clients.yaml')
    .argument('<url>', 'the webhook address to remove')
    .description("Delete the client's webhooks that point at URL")
    .action(
      action(deps, async (clientId: string, rawUrl: string) => {
        const url = parseWebhookUrl(rawUrl).toString();
        const clients = await deps.loadClients();
        const client = clients.get(clientId);
        if (!client) {
          throw new UsageError(`unknown client "${clientId}" in ${clients.file}: use one of ${clients.clients.map((c) => c.id).join(', ') || '(none configured)'}`);
        }
        const boxClient = deps.box();
        const webhooks = await boxClient.listAllWebhooksDetailed();
        for (const folder of client.folders) {
          const label = `${client.id} (${folder.incoming_folder_id})`;
          const matches = webhooks.filter((w) => w.targetType === 'folder' && w.targetId === folder.incoming_folder_id && sameAddress(w.address, url));
          if (matches.length === 0) deps.out(`${label}: no webhook at ${url}`);
          for (const w of matches) {
            await boxClient.deleteWebhook(w.id);
            deps.out(`${label}: DELETED webhook id=${w.id}`);
          }
        }
      }),
    );

  box
    .command('doctor')
    .argument('[url]', "aiqc's webhook address to check registration against")
    .description('Walk the Box onboarding runbook and print each check with its fix')
    .option('--exit-code', `for cron/alerting: exit ${EXIT_WEBHOOK_ALERT} when a folder is silent or its webhook was deleted, 1 when another check failed`)
    .action(action(deps, async (rawUrl: string | undefined, options: { exitCode?: boolean }) => runDoctor(deps, rawUrl, options.exitCode === true)));

  return box;
}

interface DoctorLine {
  ok: boolean;
  label: string;
  detail?: string;
  fix?: string;
}

async function ffmpegVersion(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text.split('\n')[0] ?? 'ffmpeg') : reject(new Error(`exited with ${code}`))));
  });
}

async function runDoctor(deps: BoxCommandDeps, rawUrl: string | undefined, alertExitCode = false): Promise<void> {
  const lines: DoctorLine[] = [];
  let webhookAlert = false;
  const report = (line: DoctorLine): void => {
    lines.push(line);
    const detail = line.detail ? ` — ${line.detail}` : '';
    deps.out(line.ok ? `✓ ${line.label}${detail}` : `✗ ${line.label}${detail}${line.fix ? `\n    fix: ${line.fix}` : ''}`);
  };
  const url = rawUrl ? parseWebhookUrl(rawUrl) : undefined;

  // 1. Configuration present.
  let client: BoxClient | undefined;
  try {
    client = deps.box();
    const auth = client.settings.auth;
    report({ ok: true, label: 'Box credentials configured', detail: auth.kind === 'jwt' ? `JWT app config at ${auth.configPath}` : 'Client Credentials Grant' });
  } catch (err) {
    report({ ok: false, label: 'Box credentials configured', detail: describeError(err), fix: 'set BOX_JWT_CONFIG_PATH (or BOX_CLIENT_ID, BOX_CLIENT_SECRET, BOX_ENTERPRISE_ID)' });
  }
  let clients: ClientsConfig | undefined;
  try {
    clients = await deps.loadClients();
    const folders = incomingTargets(clients).length;
    report({
      ok: folders > 0,
      label: 'clients.yaml has Box folders',
      detail: `${clients.clients.length} clients, ${folders} INCOMING folders (${clients.file})`,
      ...(folders === 0 && { fix: 'add clients.<id>.box.folders entries with incoming_folder_id and reports_folder_id' }),
    });
  } catch (err) {
    report({ ok: false, label: 'clients.yaml is valid', detail: describeError(err), fix: 'correct clients.yaml as the message says' });
  }

  // 2. Token works.
  let signedIn = false;
  if (client) {
    try {
      const me = await client.getCurrentUser();
      signedIn = true;
      report({ ok: true, label: 'Box token works', detail: `signed in as ${me.login} (user ${me.id})` });
    } catch (err) {
      report({ ok: false, label: 'Box token works', detail: describeError(err), fix: err instanceof BoxApiError && err.hint ? err.hint : 'check the Box credentials and that the app is authorised in the Admin Console' });
    }
  }

  // 3. Folders readable and writable; webhooks registered.
  if (client && signedIn && clients) {
    let webhooks: BoxWebhook[] = [];
    try {
      webhooks = await client.listAllWebhooksDetailed();
    } catch (err) {
      report({ ok: false, label: 'webhooks can be listed', detail: describeError(err), fix: 'give the Box app the "Manage webhooks" scope in the Developer Console and re-authorise it' });
    }
    for (const { client: c, folder } of incomingTargets(clients)) {
      for (const [kind, folderId] of [
        ['INCOMING', folder.incoming_folder_id],
        ['REPORTS', folder.reports_folder_id],
      ] as const) {
        const label = `${c.id}: ${kind} folder ${folderId}`;
        try {
          const info = await client.getFolder(folderId);
          report({ ok: true, label: `${label} readable`, detail: `"${info.name}"` });
          const what = kind === 'INCOMING' ? 'create _PROCESSED and move files into it' : 'upload reports';
          report({
            ok: info.canUpload,
            label: `${label}: service account can ${what}`,
            ...(info.canUpload
              ? {}
              : {
                  detail: 'the service account is only a viewer (or previewer) here',
                  fix: `change the service account's role on folder ${folderId} to Editor (Box web app → folder → Share → manage collaborators)`,
                }),
          });
        } catch (err) {
          report({
            ok: false,
            label: `${label} readable`,
            detail: err instanceof BoxApiError ? `${err.status} ${err.code}${err.requestId ? ` [request_id ${err.requestId}]` : ''}` : describeError(err),
            fix: err instanceof BoxApiError && err.hint ? err.hint : 'check the folder id and the service account\'s access',
          });
        }
      }
      const onFolder = webhooks.filter((w) => w.targetType === 'folder' && w.targetId === folder.incoming_folder_id);
      const label = `${c.id}: webhook on INCOMING folder ${folder.incoming_folder_id}`;
      const wanted = url ? onFolder.filter((w) => sameAddress(w.address, url.toString())) : onFolder;
      if (wanted.length === 0) {
        const elsewhere = onFolder.map((w) => `id=${w.id} → ${w.address ?? '?'}`).join(', ');
        report({
          ok: false,
          label,
          detail: elsewhere ? `registered at another address (${elsewhere})` : 'no webhook registered',
          fix: url
            ? `aiqc box register-all-clients ${url.toString()}${onFolder.length ? ` (Box allows one webhook per folder: this moves webhook ${onFolder[0]?.id ?? ''} to the new address)` : ''}`
            : 'aiqc box register-all-clients <aiqc webhook URL>',
        });
      } else {
        for (const w of wanted) {
          const triggers = w.triggers ?? [];
          const exact = triggers.length === 1 && triggers[0] === TRIGGER;
          report({
            ok: exact,
            label,
            detail: `id=${w.id} → ${w.address ?? '?'} [${triggers.join(', ')}]`,
            ...(!exact && { fix: `delete it (aiqc box delete-webhook ${w.id}) and run aiqc box register-all-clients: aiqc wants FILE.UPLOADED only` }),
          });
        }
      }
    }
    if (deps.webhookHealth) {
      try {
        for (const health of await deps.webhookHealth()) {
          if (health.silent || health.webhookDeletedAt) webhookAlert = true;
          report({
            ok: health.silent === undefined ? health.missedCount === 0 : !health.silent,
            label: `webhook deliveries for folder ${health.folderId}`,
            detail: `${health.silent ? 'SILENT: ' : ''}last delivery ${health.lastDeliveryAt ?? 'never'}, ${health.missedCount} uploads found by the sweeper without a webhook${health.lastMissedAt ? ` (last ${health.lastMissedAt})` : ''}`,
            ...((health.silent ?? health.missedCount > 0) && { fix: 'check the webhook address is reachable from Box and answers 2xx within 30 s' }),
          });
          if (health.webhookDeletedAt) {
            report({
              ok: false,
              label: `webhook for folder ${health.folderId}`,
              detail: `Box deleted it at ${health.webhookDeletedAt} (no successful delivery for 30 days)`,
              fix: 'make the webhook address reachable, then run aiqc box register-all-clients URL',
            });
          }
        }
      } catch (err) {
        report({ ok: false, label: 'webhook delivery health', detail: describeError(err), fix: 'check the job database (aiqc migrate)' });
      }
    }
  }

  // 4. Signing keys, address rule, tools.
  const primary = deps.env['BOX_WEBHOOK_PRIMARY_KEY']?.trim();
  const secondary = deps.env['BOX_WEBHOOK_SECONDARY_KEY']?.trim();
  report({
    ok: Boolean(primary),
    label: 'webhook signing keys set',
    detail: primary ? `primary${secondary ? ' and secondary' : ' (no secondary: key rotation will drop deliveries)'}` : 'BOX_WEBHOOK_PRIMARY_KEY is not set, so every delivery would be refused',
    ...(!primary && {
      fix: 'copy the keys from Developer Console → your app → Webhooks → Manage signature keys into BOX_WEBHOOK_PRIMARY_KEY and BOX_WEBHOOK_SECONDARY_KEY',
    }),
  });
  if (url) {
    const httpsOn443 = isHttpsOn443(url);
    report({
      ok: httpsOn443,
      label: 'webhook address is HTTPS on port 443',
      detail: url.toString(),
      ...(!httpsOn443 && { fix: 'Box only delivers to https:// on port 443: put aiqc behind a TLS proxy on 443 and register that address' }),
    });
  }
  const ffmpeg = deps.ffmpegPath ?? 'ffmpeg';
  try {
    report({ ok: true, label: 'ffmpeg present', detail: await ffmpegVersion(ffmpeg) });
  } catch (err) {
    report({ ok: false, label: 'ffmpeg present', detail: `${ffmpeg}: ${describeError(err)}`, fix: 'install ffmpeg (apt-get install ffmpeg) or set FFMPEG_PATH' });
  }
  // A warning, not a failure: without Chromium the pipeline still delivers every report, as HTML only.
  const chromium = await findChromium(deps.env);
  deps.out(chromium.path ? `✓ PDF reports: Chromium at ${chromium.path}` : `! PDF reports off (HTML only; Box previews .html as source code): ${chromium.problem}`);

  const failed = lines.filter((l) => !l.ok).length;
  deps.out(failed === 0 ? `All ${lines.length} checks passed.` : `${failed} of ${lines.length} checks failed.`);
  if (alertExitCode && webhookAlert) deps.setExitCode(EXIT_WEBHOOK_ALERT);
  else if (failed > 0) deps.setExitCode(EXIT_QC_FAILED);
}
