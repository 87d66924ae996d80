/**
 * Watches the database for what a person must act on — jobs that died and Box folders that went
 * silent or lost their webhook — and posts each once to AIQC_NOTIFY_URL. Runs inside `aiqc
 * serve` as a background task; it reads the same tables /metrics and `box doctor` read, so all
 * three agree.
 */
import type { Db } from '../db/database.js';
import { listFolderHealth } from '../db/box-folder-health.js';
import type { BackgroundTask } from '../server/service.js';
import { folderAlerts } from './folder-silence.js';
import type { Notify, NotifyLogger } from './notify.js';

export interface AlertWatcherDeps {
  db: Db;
  notify: Notify;
  logger: NotifyLogger & { error(obj: object, msg: string): void };
  intervalMs?: number;
  clock?: () => number;
}

export interface AlertWatcher {
  /** One look; returns the messages it posted (tests and the first pass use it). */
  checkOnce(): Promise<string[]>;
  readonly task: BackgroundTask;
}

const DEAD_JOBS_PER_MESSAGE = 10;
const oneLine = (text: string | null, max: number): string => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function createAlertWatcher(deps: AlertWatcherDeps): AlertWatcher {
  const clock = deps.clock ?? Date.now;
  // Jobs that died before this process started were someone else's to announce.
  let deadMark = clock();
  /** Folder alerts already posted, by folder and kind; cleared when the condition clears. */
  const activeFolderAlerts = new Set<string>();

  async function deadJobsMessage(): Promise<string | undefined> {
    const dead = await deps.db.kysely
      .selectFrom('jobs')
      .select(['id', 'kind', 'attempts', 'last_error', 'updated_at'])
      .where('status', '=', 'dead')
      .where('updated_at', '>', deadMark)
      .orderBy('updated_at', 'asc')
      .limit(500)
      .execute();
    if (dead.length === 0) return undefined;
    deadMark = Math.max(deadMark, ...dead.map((j) => j.updated_at));
    const lines = dead.slice(0, DEAD_JOBS_PER_MESSAGE).map((j) => `• job ${j.id} (${j.kind}, ${j.attempts} attempts): ${oneLine(j.last_error, 240)}`);
    if (dead.length > DEAD_JOBS_PER_MESSAGE) lines.push(`• …and ${dead.length - DEAD_JOBS_PER_MESSAGE} more`);
    return [
      `aiqc: ${dead.length} job${dead.length === 1 ? '' : 's'} died (no attempts left).`,
      ...lines,
      'Fix the cause, then `aiqc jobs retry ID` (see `aiqc jobs list --status dead`).',
    ].join('\n');
  }

  async function folderMessages(): Promise<string[]> {
    const alerts = folderAlerts(await listFolderHealth(deps.db.kysely));
    const current = new Set(alerts.map((a) => `${a.folderId}:${a.kind}`));
    for (const key of activeFolderAlerts) if (!current.has(key)) activeFolderAlerts.delete(key);
    const fresh = alerts.filter((a) => !activeFolderAlerts.has(`${a.folderId}:${a.kind}`));
    for (const a of fresh) activeFolderAlerts.add(`${a.folderId}:${a.kind}`);
    return fresh.map((a) => `aiqc: ${a.message}`);
  }

  async function checkOnce(): Promise<string[]> {
    const messages = [...(await folderMessages())];
    const dead = await deadJobsMessage();
    if (dead) messages.push(dead);
    for (const text of messages) await deps.notify(text);
    return messages;
  }

  const intervalMs = deps.intervalMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  const tick = (): void => {
    running = checkOnce()
      .catch((error: unknown) => deps.logger.error({ err: (error as Error).message }, 'alert check failed; will try again next interval'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  return {
    checkOnce,
    task: {
      name: 'alert-watcher',
      start() {
        if (!stopped) return;
        stopped = false;
        timer = setTimeout(tick, Math.min(intervalMs, 1_000));
      },
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
        await running;
      },
    },
  };
}
