// `aiqc box …` against the emulator over real HTTP: output a person reads, exit codes, and
// doctor catching the onboarding mistakes the runbook lists.
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxClient } from '../../src/box/index.js';
import type { BoxCommandDeps } from '../../src/cli/box.js';
import { registerBoxCommands } from '../../src/cli/box.js';
import type { BoxFolderMapping, ClientConfig } from '../../src/config/clients.js';
import { makeClientsConfig } from '../../src/config/clients.js';
import type { SeededEmulator } from '../box-emulator/fixtures.js';
import { startSeededEmulator } from '../box-emulator/fixtures.js';

const URL_A = 'https://aiqc.example.com/api/box/webhook';
const URL_B = 'https://old-aiqc.example.com/api/box/webhook';

let seed: SeededEmulator;
beforeAll(async () => {
  seed = await startSeededEmulator();
});
afterAll(async () => {
  await seed.close();
});

const client = (id: string, folders: BoxFolderMapping[]): ClientConfig => ({
  id,
  name: id.toUpperCase(),
  profiles: ['static_general'],
  default_profile: 'static_general',
  folders,
});

interface RunResult {
  out: string;
  err: string;
  exitCode: number;
}

async function run(args: string[], options: { clients?: ClientConfig[]; env?: Record<string, string | undefined>; box?: () => BoxClient; webhookHealth?: BoxCommandDeps['webhookHealth'] } = {}): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  let exitCode = 0;
  const env = options.env ?? {
    BOX_JWT_CONFIG_PATH: seed.jwtConfigPath,
    BOX_API_BASE_URL: seed.emulator.baseUrls.baseUrl,
    BOX_UPLOAD_BASE_URL: seed.emulator.baseUrls.uploadUrl,
    BOX_OAUTH2_BASE_URL: seed.emulator.baseUrls.oauth2Url,
    BOX_WEBHOOK_PRIMARY_KEY: 'k1',
    BOX_WEBHOOK_SECONDARY_KEY: 'k2',
  };
  const deps: BoxCommandDeps = {
    box: options.box ?? (() => BoxClient.fromEnv(env, { retry: { baseDelayMs: 10, maxDelayMs: 20 } })),
    loadClients: async () => makeClientsConfig('/etc/aiqc/clients.yaml', options.clients ?? []),
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    setExitCode: (code) => {
      exitCode = code;
    },
    ...(options.webhookHealth ? { webhookHealth: options.webhookHealth } : {}),
  };
  const program = new Command().exitOverride();
  registerBoxCommands(program, deps);
  await program.parseAsync(args, { from: 'user' });
  return { out: out.join('\n'), err: err.join('\n'), exitCode };
}

const diageo = (): ClientConfig => client('diageo', [{ incoming_folder_id: seed.incoming.id, reports_folder_id: seed.reports.id, profile: 'static_general' }]);

async function deleteAllWebhooks(): Promise<void> {
  const box = new BoxClient({ settings: { auth: { kind: 'jwt', configPath: seed.jwtConfigPath }, baseUrls: seed.emulator.baseUrls } });
  for (const w of await box.listAllWebhooks()) await box.deleteWebhook(w.id);
}

describe('aiqc box list-folder', () => {
  it('prints the count and each item', async () => {
    const folder = seed.emulator.admin.createFolder({ name: 'listing', parentId: seed.incoming.id, ownerId: seed.owner.id });
    seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: folder.id, name: 'a.jpg', content: 'aaa' });
    seed.emulator.admin.uploadAs({ userId: seed.owner.id, folderId: folder.id, name: 'b.pdf', content: 'bb' });
    const result = await run(['box', 'list-folder', folder.id]);
    expect(result.exitCode).toBe(0);
    expect(result.out.split('\n')[0]).toBe(`Folder ${folder.id} contains 2 items:`);
    expect(result.out).toMatch(/file\s+\d+\s+a\.jpg {2}3 bytes/);
  });

  it('fails with the fix for a folder the service account was not invited to', async () => {
    const result = await run(['box', 'list-folder', seed.privateFolder.id]);
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain('403 access_denied_insufficient_permissions');
    expect(result.err).toContain('request_id');
    expect(result.err).toContain('Editor collaborator');
  });

  it('exits 2 naming the variables when Box is not configured', async () => {
    const result = await run(['box', 'list-folder', '0'], { env: {} });
    expect(result.exitCode).toBe(2);
    expect(result.err).toContain('BOX_JWT_CONFIG_PATH');
  });
});

describe('aiqc box webhooks', () => {
  it('register-all-clients creates once, then skips; list, unregister and delete', async () => {
    await deleteAllWebhooks();
    const acmeIncoming = seed.emulator.admin.createFolder({ name: 'Acme INCOMING', ownerId: seed.owner.id });
    seed.emulator.admin.collaborate({ folderId: acmeIncoming.id, userId: seed.serviceAccount.id, role: 'editor' });
    const clients = [diageo(), client('acme', [{ incoming_folder_id: acmeIncoming.id, reports_folder_id: seed.reports.id }])];

    const first = await run(['box', 'register-all-clients', URL_A], { clients });
    expect(first.exitCode).toBe(0);
    expect(first.err).toBe('');
    expect(first.out).toMatch(new RegExp(`^diageo \\(${seed.incoming.id}\\): CREATED webhook id=\\d+$`, 'm'));
    expect(first.out).toMatch(new RegExp(`^acme \\(${acmeIncoming.id}\\): CREATED webhook id=\\d+$`, 'm'));
    const second = await run(['box', 'register-all-clients', URL_A], { clients });
    expect(second.out.split('\n')).toEqual([
      `diageo (${seed.incoming.id}): SKIP — webhook already exists`,
      `acme (${acmeIncoming.id}): SKIP — webhook already exists`,
    ]);

    const listed = await run(['box', 'list-webhooks'], { clients });
    expect(listed.out.split('\n')[0]).toBe('2 webhooks:');
    expect(listed.out).toContain(`folder ${seed.incoming.id} (diageo)  ${URL_A}  FILE.UPLOADED`);

    const unregistered = await run(['box', 'unregister-client', 'acme', URL_A], { clients });
    expect(unregistered.out).toMatch(new RegExp(`^acme \\(${acmeIncoming.id}\\): DELETED webhook id=\\d+$`));
    const again = await run(['box', 'unregister-client', 'acme', URL_A], { clients });
    expect(again.out).toBe(`acme (${acmeIncoming.id}): no webhook at ${URL_A}`);
    const unknown = await run(['box', 'unregister-client', 'nobody', URL_A], { clients });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.err).toContain('use one of diageo, acme');

    const id = /id=(\d+)/.exec(listed.out)?.[1] ?? '';
    const deleted = await run(['box', 'delete-webhook', id]);
    expect(deleted.out).toBe(`Deleted webhook ${id}`);
    const missing = await run(['box', 'delete-webhook', id]);
    expect(missing.exitCode).toBe(1);
    expect(missing.err).toContain('404');
  });
});

describe('aiqc box register-all-clients after the address changed', () => {
  it('moves the folder’s one webhook to the new address with a PUT instead of skipping it', async () => {
    await deleteAllWebhooks();
    const first = await run(['box', 'register-all-clients', URL_B], { clients: [diageo()] });
    const id = /CREATED webhook id=(\d+)/.exec(first.out)?.[1];
    expect(id).toBeTruthy();
    const moved = await run(['box', 'register-all-clients', URL_A], { clients: [diageo()] });
    expect(moved.out).toBe(`diageo (${seed.incoming.id}): UPDATED webhook id=${id ?? ''} → ${URL_A}`);
    expect(moved.exitCode).toBe(0);
    const listed = await run(['box', 'list-webhooks'], { clients: [diageo()] });
    expect(listed.out.split('\n')[0]).toBe('1 webhooks:');
    expect(listed.out).toContain(`id=${id ?? ''}  folder ${seed.incoming.id} (diageo)  ${URL_A}`);
    const doctor = await run(['box', 'doctor', URL_A], { clients: [diageo()] });
    expect(doctor.out).toContain(`✓ diageo: webhook on INCOMING folder ${seed.incoming.id} — id=${id ?? ''} → ${URL_A}`);
  });
});

describe('aiqc box register-all-clients input', () => {
  it('warns about an address Box will not deliver to and rejects a non-URL', async () => {
    await deleteAllWebhooks();
    const local = await run(['box', 'register-all-clients', 'http://127.0.0.1:8080/api/box/webhook'], { clients: [diageo()] });
    expect(local.err).toContain('warning: Box only delivers webhooks to https:// on port 443');
    expect(local.out).toContain('CREATED webhook id=');
    const bad = await run(['box', 'register-all-clients', 'aiqc.example.com'], { clients: [diageo()] });
    expect(bad.exitCode).toBe(2);
    expect(bad.err).toContain('is not a URL');
    const none = await run(['box', 'register-all-clients', URL_A], { clients: [] });
    expect(none.exitCode).toBe(2);
    expect(none.err).toContain('no Box folders are configured in /etc/aiqc/clients.yaml');
  });
});

describe('aiqc box doctor', () => {
  it('passes every check for a correctly onboarded client', async () => {
    await deleteAllWebhooks();
    await run(['box', 'register-all-clients', URL_A], { clients: [diageo()] });
    const result = await run(['box', 'doctor', URL_A], { clients: [diageo()] });
    expect(result.out).toContain('✓ Box token works — signed in as AutomationUser_');
    expect(result.out).toContain(`✓ diageo: INCOMING folder ${seed.incoming.id}: service account can create _PROCESSED`);
    expect(result.out).toContain(`✓ diageo: webhook on INCOMING folder ${seed.incoming.id} — id=`);
    expect(result.out).toContain('✓ webhook signing keys set');
    expect(result.out).toContain('✓ webhook address is HTTPS on port 443');
    expect(result.out).toMatch(/✓ ffmpeg present — ffmpeg version/);
    expect(result.out).not.toContain('✗');
    expect(result.out).toMatch(/All \d+ checks passed\./);
    expect(result.exitCode).toBe(0);
  });

  it('catches a folder the service account is not a collaborator on (403)', async () => {
    const clients = [client('hidden', [{ incoming_folder_id: seed.privateFolder.id, reports_folder_id: seed.reports.id }])];
    const result = await run(['box', 'doctor'], { clients });
    expect(result.out).toContain(`✗ hidden: INCOMING folder ${seed.privateFolder.id} readable — 403 access_denied_insufficient_permissions [request_id `);
    expect(result.out).toContain(`fix: Invite ${seed.serviceAccount.login} to folder ${seed.privateFolder.id} as an Editor collaborator`);
    expect(result.exitCode).toBe(1);
  });

  it('catches a viewer role, which cannot create _PROCESSED', async () => {
    const clients = [client('viewer', [{ incoming_folder_id: seed.viewerFolder.id, reports_folder_id: seed.reports.id }])];
    const result = await run(['box', 'doctor'], { clients });
    expect(result.out).toContain(`✓ viewer: INCOMING folder ${seed.viewerFolder.id} readable`);
    expect(result.out).toContain(`✗ viewer: INCOMING folder ${seed.viewerFolder.id}: service account can create _PROCESSED and move files into it — the service account is only a viewer`);
    expect(result.out).toContain('fix: change the service account\'s role');
  });

  it('catches a missing webhook and a webhook at another address', async () => {
    await deleteAllWebhooks();
    const missing = await run(['box', 'doctor', URL_A], { clients: [diageo()] });
    expect(missing.out).toContain(`✗ diageo: webhook on INCOMING folder ${seed.incoming.id} — no webhook registered`);
    expect(missing.out).toContain(`fix: aiqc box register-all-clients ${URL_A}`);

    await run(['box', 'register-all-clients', URL_B], { clients: [diageo()] });
    const elsewhere = await run(['box', 'doctor', URL_A], { clients: [diageo()] });
    expect(elsewhere.out).toMatch(new RegExp(`✗ diageo: webhook on INCOMING folder ${seed.incoming.id} — registered at another address \\(id=\\d+ → ${URL_B.replace(/[.]/g, '\\.')}\\)`));
    expect(elsewhere.out).toContain(`fix: aiqc box register-all-clients ${URL_A} (Box allows one webhook per folder: this moves webhook`);
    expect(elsewhere.exitCode).toBe(1);
  });

  it('catches unset signing keys and a webhook address Box will not deliver to', async () => {
    const env = {
      BOX_JWT_CONFIG_PATH: seed.jwtConfigPath,
      BOX_API_BASE_URL: seed.emulator.baseUrls.baseUrl,
      BOX_UPLOAD_BASE_URL: seed.emulator.baseUrls.uploadUrl,
    };
    const result = await run(['box', 'doctor', 'http://aiqc.example.com:8080/api/box/webhook'], { clients: [diageo()], env });
    expect(result.out).toContain('✗ webhook signing keys set — BOX_WEBHOOK_PRIMARY_KEY is not set');
    expect(result.out).toContain('Manage signature keys');
    expect(result.out).toContain('✗ webhook address is HTTPS on port 443');
  });

  it('shows webhook health: missed deliveries and a webhook Box deleted', async () => {
    await deleteAllWebhooks();
    await run(['box', 'register-all-clients', URL_A], { clients: [diageo()] });
    const result = await run(['box', 'doctor', URL_A], {
      clients: [diageo()],
      webhookHealth: async () => [{ folderId: seed.incoming.id, missedCount: 2, lastDeliveryAt: '2026-11-20T10:00:00.000Z', webhookDeletedAt: '2026-11-22T09:00:00.000Z' }],
    });
    expect(result.out).toContain(`✗ webhook deliveries for folder ${seed.incoming.id} — last delivery 2026-11-20T10:00:00.000Z, 2 uploads found by the sweeper without a webhook`);
    expect(result.out).toContain(`✗ webhook for folder ${seed.incoming.id} — Box deleted it at 2026-11-22T09:00:00.000Z`);
    expect(result.out).toContain('aiqc box register-all-clients URL');
    expect(result.exitCode).toBe(1);
  });

  it('reports missing credentials and a missing ffmpeg without crashing', async () => {
    const out: string[] = [];
    let exitCode = 0;
    const program = new Command().exitOverride();
    registerBoxCommands(program, {
      box: () => BoxClient.fromEnv({}),
      loadClients: async () => makeClientsConfig('/etc/aiqc/clients.yaml', []),
      env: {},
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      setExitCode: (code) => {
        exitCode = code;
      },
      ffmpegPath: '/nonexistent/ffmpeg',
    });
    await program.parseAsync(['box', 'doctor'], { from: 'user' });
    const text = out.join('\n');
    // No PATH in this environment, so no Chromium: a warning line, not a failed check.
    expect(text).toContain('! PDF reports off (HTML only; Box previews .html as source code): no Chromium found on PATH');
    expect(text).toContain('✗ Box credentials configured — Box is not configured');
    expect(text).toContain('✗ clients.yaml has Box folders');
    expect(text).toContain('✗ ffmpeg present — /nonexistent/ffmpeg');
    expect(text).toContain('fix: install ffmpeg');
    expect(exitCode).toBe(1);
  });
});
