import { Command, CommanderError } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerClientSettingsCommands } from '../../src/cli/client-settings.js';
import { UsageError } from '../../src/cli/errors.js';
import { registerJobsCommands } from '../../src/cli/jobs.js';
import { registerMigrateCommand } from '../../src/cli/migrate.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { getDefaultProfileOverride } from '../../src/db/client-settings.js';
import { defineJob } from '../../src/jobs/definition.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../db/test-databases.js';

const boxFile = defineJob('qc.box_file', { payload: z.object({ fileId: z.string() }), maxAttempts: 2 });

const CLIENTS: Record<string, { profiles: string[]; default_profile: string }> = {
  diageo: { profiles: ['diageo_social', 'static_general', 'video_general'], default_profile: 'static_general' },
};

describe.each(ENGINES)('jobs, clients and migrate commands on %s', (engine) => {
  let t: TestDatabase;
  let queue: JobQueue;
  let out: string;

  /** A fresh program per run, as the real CLI has; each command opens its own connection. */
  async function run(...args: string[]): Promise<string> {
    out = '';
    const program = new Command('aiqc').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
      const db = await openDatabase(t.config);
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };
    const stdout = (text: string): void => {
      out += text;
    };
    program.command('clients').description('client configuration').command('list');
    registerJobsCommands(program, { withDb, stdout });
    registerMigrateCommand(program, { withDb, stdout });
    registerClientSettingsCommands(program, {
      withDb,
      stdout,
      validateDefaultProfile: (client, profile) => {
        const config = CLIENTS[client];
        if (!config) return `Unknown client "${client}". Known clients: ${Object.keys(CLIENTS).join(', ')} (clients.yaml).`;
        if (!config.profiles.includes(profile)) {
          return `Profile "${profile}" is not in client "${client}"'s profiles (${config.profiles.join(', ')}); add it to clients.yaml first.`;
        }
        return undefined;
      },
      configuredDefault: (client) => CLIENTS[client]?.default_profile,
    });
    await program.parseAsync(args, { from: 'user' });
    return out;
  }

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    queue = new JobQueue({ db: t.db, definitions: [boxFile] });
  });
  beforeEach(async () => {
    await sql`delete from jobs`.execute(t.db.kysely);
    await sql`delete from client_settings`.execute(t.db.kysely);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function deadJob(fileId: string): Promise<number> {
    const { job } = await queue.enqueue(boxFile, { fileId }, { dedupeKey: `box-file:${fileId}:1` });
    await queue.claim('w1', [boxFile.kind], 1, 60_000);
    await queue.fail({ jobId: job.id, workerId: 'w1', attempt: 1 }, { error: 'PermanentJobError: Box 403 on folder 5678: invite the service account as Editor', permanent: true, retryInMs: 0 });
    return job.id;
  }

  it('jobs list prints a table, filters by status, and prints JSON with --json', async () => {
    const dead = await deadJob('f1');
    const { job: queued } = await queue.enqueue(boxFile, { fileId: 'f2' });
    const table = await run('jobs', 'list');
    expect(table.split('\n')[0]).toMatch(/^ID\s+STATUS\s+KIND\s+ATTEMPTS\s+UPDATED\s+DEDUPE KEY\s+LAST ERROR$/);
    expect(table).toMatch(new RegExp(`^${dead}\\s+dead\\s+qc\\.box_file\\s+1/2 .*box-file:f1:1\\s+PermanentJobError: Box 403`, 'm'));
    expect(table).toMatch(new RegExp(`^${queued.id}\\s+queued\\s+qc\\.box_file\\s+0/2`, 'm'));

    const deadOnly = JSON.parse(await run('jobs', 'list', '--status', 'dead', '--json')) as Array<Record<string, unknown>>;
    expect(deadOnly).toHaveLength(1);
    expect(deadOnly[0]).toMatchObject({ id: dead, status: 'dead', payload: { fileId: 'f1' }, dedupe_key: 'box-file:f1:1', max_attempts: 2 });
    expect(await run('jobs', 'list', '--status', 'running')).toBe('no running jobs\n');
    await expect(run('jobs', 'list', '--status', 'sleeping')).rejects.toBeInstanceOf(CommanderError);
  });

  it('jobs show prints one job, and fails with an actionable error for an unknown id', async () => {
    const id = await deadJob('f3');
    const text = await run('jobs', 'show', String(id));
    expect(text).toContain(`Job ${id} (qc.box_file)`);
    expect(text).toContain('status:      dead');
    expect(text).toContain('"fileId": "f3"');
    expect(JSON.parse(await run('jobs', 'show', String(id), '--json'))).toMatchObject({ id, status: 'dead' });
    await expect(run('jobs', 'show', '99999')).rejects.toThrow(new UsageError('No job with id 99999. List jobs with `aiqc jobs list`.'));
    await expect(run('jobs', 'show', 'abc')).rejects.toThrow(/not a job id/);
  });

  it('jobs retry requeues a dead job and refuses others', async () => {
    const id = await deadJob('f4');
    expect(await run('jobs', 'retry', String(id))).toMatch(new RegExp(`^job ${id} \\(qc.box_file\\) queued again with 2 attempts; last error was: PermanentJobError`));
    expect(await queue.get(id)).toMatchObject({ status: 'queued', attempts: 0 });
    await expect(run('jobs', 'retry', String(id))).rejects.toThrow(UsageError);
  });

  it('clients set-default validates, persists, and revert-default restores the previous value', async () => {
    expect(await run('clients', 'set-default', 'diageo', 'diageo_social')).toBe(
      'diageo: default profile is now diageo_social (was static_general [configured default]); used from the next job\n',
    );
    expect(await run('clients', 'set-default', 'diageo', 'video_general')).toBe(
      'diageo: default profile is now video_general (was diageo_social); used from the next job\n',
    );
    expect(await getDefaultProfileOverride(t.db.kysely, 'diageo')).toBe('video_general');
    expect(await run('clients', 'revert-default', 'diageo')).toBe('diageo: default profile is now diageo_social (was video_general); used from the next job\n');
    expect(await run('clients', 'revert-default', 'diageo')).toBe(
      'diageo: default profile is now static_general [configured default] (was diageo_social); used from the next job\n',
    );
    await expect(run('clients', 'revert-default', 'diageo')).rejects.toThrow(/has no default-profile override to revert/);
    await expect(run('clients', 'set-default', 'diageo', 'print_a4')).rejects.toThrow(UsageError);
    await expect(run('clients', 'set-default', 'nobody', 'static_general')).rejects.toThrow(/Unknown client "nobody"/);
    expect(await getDefaultProfileOverride(t.db.kysely, 'diageo')).toBeUndefined();
  });

  it('migrate reports an up-to-date schema', async () => {
    expect(await run('migrate')).toMatch(/: schema is up to date \(2 migrations\)\n$/);
  });
});
