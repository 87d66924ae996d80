// `aiqc box doctor`: the onboarding runbook as checks, one step per runbook section, each
// printing ✓ or ✗ with the fix. Exits 1 when any check failed; with --exit-code, 3 when a folder
// went silent or lost its webhook (what cron and alerting watch for).
import { spawn } from 'node:child_process';
import type { BoxClient, BoxWebhook } from '../box/index.js';
import { BoxApiError } from '../box/index.js';
import type { BoxFolderMapping, ClientsConfig } from '../config/clients.js';
import { findChromium } from '../report/pdf.js';
import { EXIT_WEBHOOK_ALERT, type BoxCommandDeps } from './box-deps.js';
import { TRIGGER, describeError, incomingTargets, isHttpsOn443, parseWebhookUrl, sameAddress } from './box-targets.js';
import { EXIT_QC_FAILED } from './errors.js';

interface DoctorLine {
  ok: boolean;
  label: string;
  detail?: string;
  fix?: string;
}

type Report = (line: DoctorLine) => void;

async function ffmpegVersion(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text.split('\n')[0] ?? 'ffmpeg') : reject(new Error(`exited with ${code}`))));
  });
}

export async function runDoctor(deps: BoxCommandDeps, rawUrl: string | undefined, alertExitCode = false): Promise<void> {
  const lines: DoctorLine[] = [];
  let webhookAlert = false;
  const report: Report = (line) => {
    lines.push(line);
    const detail = line.detail ? ` — ${line.detail}` : '';
    deps.out(line.ok ? `✓ ${line.label}${detail}` : `✗ ${line.label}${detail}${line.fix ? `\n    fix: ${line.fix}` : ''}`);
  };
  const url = rawUrl ? parseWebhookUrl(rawUrl) : undefined;

  const { client, clients } = await checkConfiguration(deps, report);
  const signedIn = client ? await checkToken(client, report) : false;
  if (client && signedIn && clients) {
    const webhooks = await listWebhooks(client, report);
    for (const { client: c, folder } of incomingTargets(clients)) {
      await checkFolders(client, c.id, folder, report);
      checkFolderWebhook(webhooks, c.id, folder.incoming_folder_id, url, report);
    }
    if (deps.webhookHealth) webhookAlert = await checkDeliveryHealth(deps.webhookHealth, report);
  }
  await checkLocal(deps, url, report);

  const failed = lines.filter((l) => !l.ok).length;
  deps.out(failed === 0 ? `All ${lines.length} checks passed.` : `${failed} of ${lines.length} checks failed.`);
  if (alertExitCode && webhookAlert) deps.setExitCode(EXIT_WEBHOOK_ALERT);
  else if (failed > 0) deps.setExitCode(EXIT_QC_FAILED);
}

/** 1. Credentials and clients.yaml are present and valid. */
async function checkConfiguration(deps: BoxCommandDeps, report: Report): Promise<{ client?: BoxClient; clients?: ClientsConfig }> {
  const found: { client?: BoxClient; clients?: ClientsConfig } = {};
  try {
    found.client = deps.box();
    const auth = found.client.settings.auth;
    report({ ok: true, label: 'Box credentials configured', detail: auth.kind === 'jwt' ? `JWT app config at ${auth.configPath}` : 'Client Credentials Grant' });
  } catch (err) {
    report({ ok: false, label: 'Box credentials configured', detail: describeError(err), fix: 'set BOX_JWT_CONFIG_PATH (or BOX_CLIENT_ID, BOX_CLIENT_SECRET, BOX_ENTERPRISE_ID)' });
  }
  try {
    const clients = await deps.loadClients();
    found.clients = clients;
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
  return found;
}

/** 2. A token can be had and users/me answers. */
async function checkToken(client: BoxClient, report: Report): Promise<boolean> {
  try {
    const me = await client.getCurrentUser();
    report({ ok: true, label: 'Box token works', detail: `signed in as ${me.login} (user ${me.id})` });
    return true;
  } catch (err) {
    report({ ok: false, label: 'Box token works', detail: describeError(err), fix: err instanceof BoxApiError && err.hint ? err.hint : 'check the Box credentials and that the app is authorised in the Admin Console' });
    return false;
  }
}

async function listWebhooks(client: BoxClient, report: Report): Promise<BoxWebhook[]> {
  try {
    return await client.listAllWebhooksDetailed();
  } catch (err) {
    report({ ok: false, label: 'webhooks can be listed', detail: describeError(err), fix: 'give the Box app the "Manage webhooks" scope in the Developer Console and re-authorise it' });
    return [];
  }
}

/** 3a. INCOMING and REPORTS are readable, and the service account may write there. */
async function checkFolders(client: BoxClient, clientId: string, folder: BoxFolderMapping, report: Report): Promise<void> {
  for (const [kind, folderId] of [
    ['INCOMING', folder.incoming_folder_id],
    ['REPORTS', folder.reports_folder_id],
  ] as const) {
    const label = `${clientId}: ${kind} folder ${folderId}`;
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
        fix: err instanceof BoxApiError && err.hint ? err.hint : "check the folder id and the service account's access",
      });
    }
  }
}

/** 3b. The folder's one webhook exists, at the given address, with FILE.UPLOADED only. */
function checkFolderWebhook(webhooks: BoxWebhook[], clientId: string, folderId: string, url: URL | undefined, report: Report): void {
  const onFolder = webhooks.filter((w) => w.targetType === 'folder' && w.targetId === folderId);
  const label = `${clientId}: webhook on INCOMING folder ${folderId}`;
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
    return;
  }
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

/**
 * 3c. Deliveries arrive (no folder is silent: the sweeper found no upload after the last delivery)
 * and Box has not deleted a webhook. Returns whether either alert is raised.
 */
async function checkDeliveryHealth(webhookHealth: NonNullable<BoxCommandDeps['webhookHealth']>, report: Report): Promise<boolean> {
  let alert = false;
  try {
    for (const health of await webhookHealth()) {
      if (health.silent || health.webhookDeletedAt) alert = true;
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
  return alert;
}

/** 4. Signing keys, the address rule and local tools. */
async function checkLocal(deps: BoxCommandDeps, url: URL | undefined, report: Report): Promise<void> {
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
}
