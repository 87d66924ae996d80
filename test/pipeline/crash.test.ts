// kill -9 of a real `aiqc worker` process in the middle of a Box job (while its report upload
// hangs), then a fresh `aiqc worker`: exactly one report in REPORTS and one file in _PROCESSED.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { writeImageSample } from '../../src/demo/samples.js';
import type { BoxQcProgress, BoxQcResult } from '../../src/pipeline/job.js';
import { ENGINES, TEST_DATABASE_URL } from '../db/test-databases.js';
import { leftovers, startWorld, type World } from './harness.js';

const AIQC_BIN = join(import.meta.dirname, '../../dist/cli/main.js');

let world: World | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await world?.close();
  world = undefined;
});

function workerEnv(w: World): Record<string, string> {
  const db = w.t.config;
  const url = w.seed.emulator.url;
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...(db.engine === 'sqlite'
      ? { AIQC_DATA_DIR: dirname(db.path) }
      : { DATABASE_URL: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${db.searchPath}`)}` }),
    AIQC_CONFIG_DIR: w.configDir,
    TMPDIR: w.tmpRoot,
    BOX_JWT_CONFIG_PATH: w.seed.jwtConfigPath,
    BOX_API_BASE_URL: url,
    BOX_UPLOAD_BASE_URL: `${url}/api`,
    BOX_OAUTH2_BASE_URL: `${url}/api/oauth2`,
    AIQC_JOB_LEASE_S: '2',
    AIQC_SHUTDOWN_GRACE_S: '1',
    LOG_LEVEL: 'info',
  };
}

/** `aiqc worker` as a child process; resolves once it is claiming jobs. */
async function startWorkerProcess(w: World, lines: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [AIQC_BIN, 'worker'], { env: workerEnv(w), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('aiqc worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`aiqc worker exited (${code}) before it was ready: ${stderr.join('')}`)));
  });
  await ready;
  return child;
}

describe.each(ENGINES)('kill -9 of an aiqc worker mid-job on %s', (engine) => {
  it('a restarted worker finishes the job: one report, one move, one QC run', async () => {
    world = await startWorld({ engine, runWorker: false });
    const admin = world.seed.emulator.admin;
    // The report upload hangs long enough for the kill to land while the worker waits on it.
    admin.injectFault({ method: 'POST', path: '/api/2.0/files/content', delayMs: 3_000, times: 1 });
    const uploadSeen = new Promise<number>((resolve) => {
      const off = world!.seed.emulator.onRequest((info) => {
        if (info.method === 'POST' && info.path === '/api/2.0/files/content') {
          off();
          resolve(Date.now());
        }
      });
    });

    const firstLines: string[] = [];
    const first = await startWorkerProcess(world, firstLines);
    const dir = join(world.configDir, 'samples');
    await mkdir(dir);
    const asset = await writeImageSample(dir);
    const file = world.upload(asset.name, await readFile(asset.path));
    const uploadStartedAt = await uploadSeen;

    // The first attempt got as far as the QC checkpoint before it was killed.
    first.kill('SIGKILL');
    await once(first, 'exit');
    const [killed] = await world.pipeline.queue.list();
    expect(killed?.status).toBe('running');
    expect((killed?.progress as BoxQcProgress).qc).toBeDefined();
    expect((killed?.progress as BoxQcProgress).report).toBeUndefined();
    expect(await leftovers(world)).toEqual([expect.stringMatching(new RegExp(`^aiqc-box-${killed!.id}-`))]);

    const secondLines: string[] = [];
    await startWorkerProcess(world, secondLines);
    const job = await world.waitForJob(file, 30_000);
    expect(job.status, job.lastError ?? '').toBe('done');
    expect(job.attempts).toBe(2);
    const result = job.result as BoxQcResult;
    expect(secondLines.join('\n')).toContain(`resuming session ${result.session_id}`);

    // Let the hung upload from the killed worker play out before counting.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, uploadStartedAt + 3_500 - Date.now())));
    // One report: the HTML and (the worker finds Chromium on PATH) its PDF rendition, once each.
    expect(world.itemsIn(world.reports.id).map((i) => i.name).sort()).toEqual([`QC_Report_${result.session_id}_${asset.name}.html`, `QC_Report_${result.session_id}_${asset.name}.pdf`]);
    expect(world.itemsIn(world.processedFolder()!.id)).toEqual([{ type: 'file', id: file.id, name: `${result.session_id}_${asset.name}` }]);
    expect(world.itemsIn(world.incoming.id).filter((i) => i.type === 'file')).toEqual([]);
    const runs = await world.t.db.kysely.selectFrom('qc_runs').select('session_id').execute();
    expect(runs).toEqual([{ session_id: result.session_id }]);
    // The killed attempt's private folder was removed by the attempt that finished the job.
    expect(await leftovers(world)).toEqual([]);
  });
});
