// `aiqc serve` as deployed: the real bin, configured only through the environment, starting
// without Box credentials; a webhook still gets its job, which dies at once with the fix.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { boxQcFileJob } from '../../src/pipeline/box-qc-file.js';
import { KEYS, boxEventBody, signedHeaders } from '../server/support.js';

const AIQC_BIN = join(import.meta.dirname, '../../dist/cli/main.js');
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('aiqc serve', () => {
  it('starts without Box credentials, enqueues from a signed webhook, fails the job with the fix, stops on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiqc-serve-'));
    await writeFile(
      join(dir, 'clients.yaml'),
      'clients:\n  acme:\n    name: Acme\n    profiles: [static_general]\n    default_profile: static_general\n    box:\n      folders:\n        - { incoming_folder_id: "1234", reports_folder_id: "5678" }\n',
    );
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AIQC_CONFIG_DIR: dir,
      AIQC_DATA_DIR: join(dir, 'data'),
      PORT: '0',
      HOST: '127.0.0.1',
      BOX_WEBHOOK_PRIMARY_KEY: KEYS.primary!,
      AIQC_SWEEP_INTERVAL_S: '3600',
    };
    const child = spawn(process.execPath, [AIQC_BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: Array<{ msg: string; url?: string }> = [];
    const ready = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg: string; url?: string };
        logs.push(entry);
        if (entry.msg.startsWith('aiqc serve ready on ') && entry.url) resolve(entry.url);
      });
      child.once('exit', (code) => reject(new Error(`aiqc serve exited with ${code} before it was ready`)));
    });
    try {
      const url = await ready;
      expect(logs.map((l) => l.msg)).toContainEqual(expect.stringMatching(/^Box credentials are not usable .*BOX_JWT_CONFIG_PATH/));
      const body = boxEventBody({ id: 'cli-1', fileId: '777', fileVersionId: '888', name: 'key.png', parentId: '1234' });
      const response = await fetch(`${url}/api/box/webhook`, { method: 'POST', body, headers: signedHeaders(body) });
      expect(response.status).toBe(200);
      const { job_id: jobId } = (await response.json()) as { job_id: number };

      const db = await openDatabase({ engine: 'sqlite', path: join(dir, 'data', 'aiqc.sqlite') });
      try {
        const queue = new JobQueue({ db, definitions: [boxQcFileJob] });
        const deadline = Date.now() + 15_000;
        let job = await queue.get(jobId);
        while (job?.status !== 'dead' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          job = await queue.get(jobId);
        }
        expect(job?.status).toBe('dead');
        expect(job?.attempts).toBe(1);
        expect(job?.lastError).toMatch(/Box is not configured.*Fix: set BOX_JWT_CONFIG_PATH/);
      } finally {
        await db.close();
      }
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(logs.map((l) => l.msg)).toContain('shutdown complete');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses bad settings with exit 2 and names the variable', async () => {
    const child = spawn(process.execPath, [AIQC_BIN, 'worker'], {
      env: { PATH: process.env.PATH ?? '', AIQC_SWEEP_GRACE_S: 'soon', AIQC_CONFIG_DIR: tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toMatch(/^aiqc: environment at AIQC_SWEEP_GRACE_S: .*\n {2}fix: set AIQC_SWEEP_GRACE_S/);
  });
});
