// Webhook health that alerts: the real sweeper finds an upload no webhook announced (nothing is
// registered on INCOMING), `box doctor --exit-code` exits 3 on the silent folder, and the alert
// watcher posts it — and a dead job — to a local Slack/Teams-style incoming webhook.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_WEBHOOK_ALERT, registerBoxCommands } from '../../src/cli/box.js';
import { recordFolderDelivery } from '../../src/db/box-folder-health.js';
import { createAlertWatcher } from '../../src/ops/alert-watch.js';
import { createNotifier, notifySettingsFromEnv } from '../../src/ops/notify.js';
import { webhookHealthLines } from '../../src/ops/webhook-health.js';
import { boxQcFileJob } from '../../src/pipeline/box-qc-file.js';
import { CLIENT_ID, startWorld, type World } from '../pipeline/harness.js';

interface Receiver {
  url: string;
  posts: Array<{ contentType: string | undefined; body: unknown }>;
  /** Status for the next posts, in order; 200 once used up. */
  script: number[];
  close(): Promise<void>;
}

/** A real HTTP server in the shape of a Slack/Teams incoming webhook: JSON in, 200 "ok" out. */
async function startIncomingWebhook(): Promise<Receiver> {
  const posts: Receiver['posts'] = [];
  const script: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      res.writeHead(script.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXX`,
    posts,
    script,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const silentLogger = { info: () => {}, warn: () => {}, error: () => {} };

describe('a silent Box folder raises the doctor\'s exit code and a notification', () => {
  let world: World;
  let receiver: Receiver;
  beforeAll(async () => {
    world = await startWorld({ engine: 'sqlite', registerWebhook: false, runWorker: false });
    receiver = await startIncomingWebhook();
  });
  afterAll(async () => {
    await world?.close();
    await receiver?.close();
  });

  async function doctor(...flags: string[]): Promise<{ out: string; exitCode: number }> {
    const lines: string[] = [];
    let exitCode = 0;
    const program = new Command().exitOverride();
    registerBoxCommands(program, {
      box: () => world.box,
      loadClients: async () => world.runtime.clients,
      env: { BOX_WEBHOOK_PRIMARY_KEY: 'k1', BOX_WEBHOOK_SECONDARY_KEY: 'k2' },
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      setExitCode: (code) => (exitCode = code),
      webhookHealth: () => webhookHealthLines(world.t.db.kysely),
    });
    await program.parseAsync(['box', 'doctor', ...flags], { from: 'user' });
    return { out: lines.join('\n'), exitCode };
  }

  it('sweeper sees an upload with no delivery → doctor --exit-code exits 3, the watcher posts once, a delivery clears it', async () => {
    const notify = createNotifier(notifySettingsFromEnv({ AIQC_NOTIFY_URL: receiver.url })!, { logger: silentLogger });
    const watcher = createAlertWatcher({ db: world.t.db, notify, logger: silentLogger });
    expect(await watcher.checkOnce()).toEqual([]);

    // A delivery once came for this folder; then Box went quiet while people kept uploading.
    await recordFolderDelivery(world.t.db.kysely, world.incoming.id, Date.now() - 60_000);
    world.upload('hero.jpg', 'not really a jpeg');
    const swept = await world.pipeline.sweeper!.sweepOnce();
    expect(swept.enqueued.map((e) => e.name)).toEqual(['hero.jpg']);

    const alerting = await doctor('--exit-code');
    expect(alerting.out).toContain(`✗ webhook deliveries for folder ${world.incoming.id} — SILENT: last delivery`);
    expect(alerting.exitCode).toBe(EXIT_WEBHOOK_ALERT);
    expect((await doctor()).exitCode).toBe(1); // without the flag: a failed check, as before

    const posted = await watcher.checkOnce();
    expect(posted).toHaveLength(1);
    expect(receiver.posts).toHaveLength(1);
    expect(receiver.posts[0]!.contentType).toBe('application/json');
    const text = (receiver.posts[0]!.body as { text: string }).text;
    expect(text).toContain(`Box folder ${world.incoming.id} is silent`);
    expect(text).toContain('aiqc box doctor');
    // Still silent on the next look: not posted again.
    expect(await watcher.checkOnce()).toEqual([]);
    expect(receiver.posts).toHaveLength(1);

    // Box delivers again: the folder is no longer silent; the historic miss is only a count.
    await recordFolderDelivery(world.t.db.kysely, world.incoming.id, Date.now() + 1);
    const healthy = await doctor('--exit-code');
    expect(healthy.out).toMatch(new RegExp(`✓ webhook deliveries for folder ${world.incoming.id} — last delivery .*, 1 uploads found by the sweeper`));
    expect(healthy.exitCode).not.toBe(EXIT_WEBHOOK_ALERT);
    expect(await watcher.checkOnce()).toEqual([]);
  });

  it('posts a job that died, once, with the retry command; a refusing receiver does not throw', async () => {
    const notify = createNotifier(notifySettingsFromEnv({ AIQC_NOTIFY_URL: receiver.url })!, { logger: silentLogger });
    const watcher = createAlertWatcher({ db: world.t.db, notify, logger: silentLogger, clock: () => Date.now() - 1000 });
    const before = receiver.posts.length;
    const queue = world.pipeline.queue;
    const { job } = await queue.enqueue(boxQcFileJob, {
      client_id: CLIENT_ID, folder_id: world.incoming.id, file_id: '999', file_version_id: '1', file_name: 'x.jpg',
    } as never, { dedupeKey: 'alert-test:999:1' });
    const [claimed] = await queue.claim('w-test', [boxQcFileJob.kind], 10, 60_000).then((jobs) => jobs.filter((j) => j.id === job.id));
    expect(claimed).toBeDefined();
    await queue.fail({ jobId: job.id, workerId: 'w-test', attempt: claimed!.attempts }, { error: 'PermanentJobError: Box 403 on folder 5678: invite the service account as Editor', permanent: true, retryInMs: 0 });

    const posted = await watcher.checkOnce();
    expect(posted).toHaveLength(1);
    const text = (receiver.posts.at(-1)!.body as { text: string }).text;
    expect(receiver.posts.length).toBe(before + 1);
    expect(text).toContain(`job ${job.id} (box.qc_file`);
    expect(text).toContain('invite the service account as Editor');
    expect(text).toContain('aiqc jobs retry ID');
    expect(await watcher.checkOnce()).toEqual([]);

    receiver.script.push(500);
    await expect(notify('hello')).resolves.toBe(false);
  });

  it('AIQC_NOTIFY_URL must be an http(s) URL; unset means no notifications', () => {
    expect(notifySettingsFromEnv({})).toBeUndefined();
    expect(() => notifySettingsFromEnv({ AIQC_NOTIFY_URL: 'hooks.slack.com/x' })).toThrow(/AIQC_NOTIFY_URL is not a URL/);
    expect(() => notifySettingsFromEnv({ AIQC_NOTIFY_URL: 'ftp://x/y' })).toThrow(/uses "ftp:"/);
  });
});
