import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Db } from '../db/database.js';
import { JOB_STATUSES, type JobStatus } from '../db/schema.js';
import { JobNotFoundError } from '../jobs/errors.js';
import { JobQueue, type Job } from '../jobs/queue.js';
import { asUsageErrors } from './storage-errors.js';

/** What the `jobs` commands need from the program around them. */
export interface JobsCommandDeps {
  /** Open the database (migrated), run `fn`, close it. */
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  /** Where results go (stdout); `--json` output is the only thing written there. */
  stdout: (text: string) => void;
}

export function parseJobId(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`"${value}" is not a job id; ids are whole numbers from \`aiqc jobs list\`.`);
  }
  return Number(value);
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('give a whole number from 1 to 10000');
  return n;
}

/** The job as printed by `aiqc jobs … --json`: snake_case keys, times as ISO strings. */
export function jobToJson(job: Job): Record<string, unknown> {
  const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    dedupe_key: job.dedupeKey,
    payload: job.payload,
    progress: job.progress,
    result: job.result,
    last_error: job.lastError,
    locked_by: job.lockedBy,
    run_after: isoOrNull(job.runAfter),
    lease_until: isoOrNull(job.leaseUntil),
    created_at: isoOrNull(job.createdAt),
    updated_at: isoOrNull(job.updatedAt),
    started_at: isoOrNull(job.startedAt),
    finished_at: isoOrNull(job.finishedAt),
  };
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const oneLine = (text: string | null, max: number): string => {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function formatJobTable(jobs: readonly Job[]): string {
  const header = ['ID', 'STATUS', 'KIND', 'ATTEMPTS', 'UPDATED', 'DEDUPE KEY', 'LAST ERROR'];
  const rows = jobs.map((job) => [
    String(job.id),
    job.status,
    job.kind,
    `${job.attempts}/${job.maxAttempts}`,
    iso(job.updatedAt),
    job.dedupeKey ?? '-',
    oneLine(job.lastError, 80),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function formatJobDetails(job: Job): string {
  const json = (value: unknown): string => (value === null || value === undefined ? '-' : JSON.stringify(value, null, 2));
  const lines = [
    `Job ${job.id} (${job.kind})`,
    `  status:      ${job.status}`,
    `  attempts:    ${job.attempts} of ${job.maxAttempts}`,
    `  dedupe key:  ${job.dedupeKey ?? '-'}`,
    `  created:     ${iso(job.createdAt)}`,
    `  updated:     ${iso(job.updatedAt)}`,
    `  run after:   ${iso(job.runAfter)}`,
    `  started:     ${iso(job.startedAt)}`,
    `  finished:    ${iso(job.finishedAt)}`,
    `  worker:      ${job.lockedBy ?? '-'}${job.status === 'running' ? ` (lease until ${iso(job.leaseUntil)})` : ''}`,
    `  last error:  ${job.lastError ?? '-'}`,
    `  payload:     ${json(job.payload)}`,
    `  progress:    ${json(job.progress)}`,
    `  result:      ${json(job.result)}`,
  ];
  return lines.join('\n');
}

/** `aiqc jobs list [--status S] [--kind K] [--limit N] [--json] | show ID [--json] | retry ID`. */
export function registerJobsCommands(program: Command, deps: JobsCommandDeps): Command {
  const jobs = program.command('jobs').description('inspect and retry background jobs (Box webhook QC runs)');
  const queueOf = (db: Db): JobQueue => new JobQueue({ db, definitions: [] });

  jobs
    .command('list')
    .description('list the newest jobs')
    .addOption(new Option('--status <status>', 'only jobs with this status').choices(JOB_STATUSES))
    .option('--kind <kind>', 'only jobs of this kind')
    .option('--limit <n>', 'how many (newest first)', parseLimit, 50)
    .option('--json', 'print a JSON array on stdout')
    .action((options: { status?: JobStatus; kind?: string; limit: number; json?: boolean }) =>
      asUsageErrors(async () => {
        const list = await deps.withDb((db) =>
          queueOf(db).list({ limit: options.limit, ...(options.status ? { status: options.status } : {}), ...(options.kind ? { kind: options.kind } : {}) }),
        );
        if (options.json) deps.stdout(`${JSON.stringify(list.map(jobToJson), null, 2)}\n`);
        else if (list.length === 0) deps.stdout(`no ${options.status ? `${options.status} ` : ''}jobs\n`);
        else deps.stdout(`${formatJobTable(list)}\n`);
      }),
    );

  jobs
    .command('show')
    .description('show one job: payload, progress, result and last error')
    .argument('<id>', 'job id', parseJobId)
    .option('--json', 'print the job as JSON on stdout')
    .action((id: number, options: { json?: boolean }) =>
      asUsageErrors(async () => {
        const job = await deps.withDb((db) => queueOf(db).get(id));
        if (!job) throw new JobNotFoundError(id);
        deps.stdout(options.json ? `${JSON.stringify(jobToJson(job), null, 2)}\n` : `${formatJobDetails(job)}\n`);
      }),
    );

  jobs
    .command('retry')
    .description('put a dead job back in the queue with a fresh set of attempts')
    .argument('<id>', 'job id', parseJobId)
    .action((id: number) =>
      asUsageErrors(async () => {
        const job = await deps.withDb((db) => queueOf(db).retry(id));
        deps.stdout(`job ${job.id} (${job.kind}) queued again with ${job.maxAttempts} attempts; last error was: ${job.lastError ?? '-'}\n`);
      }),
    );

  return jobs;
}
