// `aiqc box …`: the Box admin commands — inspect folders, register and remove webhooks, and
// `doctor`, which walks the onboarding runbook and prints each check with its fix.
import type { Command } from 'commander';
import type { BoxClient, BoxWebhook } from '../box/index.js';
import { BoxApiError, BoxConfigError } from '../box/index.js';
import { ConfigError } from '../config/errors.js';
import type { BoxCommandDeps } from './box-deps.js';
import { EXIT_WEBHOOK_ALERT } from './box-deps.js';
import { runDoctor } from './box-doctor.js';
import { TRIGGER, describeError, incomingTargets, isHttpsOn443, parseWebhookUrl, sameAddress } from './box-targets.js';
import { EXIT_QC_FAILED, EXIT_USAGE, UsageError } from './errors.js';

export { EXIT_WEBHOOK_ALERT, type BoxCommandDeps, type WebhookHealth } from './box-deps.js';

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
