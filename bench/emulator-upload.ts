/**
 * Emulator upload memory bench (not a test): big files uploaded into the Box emulator over
 * HTTP with aiqc's Box client (chunked upload session, 8 MiB parts, SHA-1 digests), the
 * emulator running as its own process (the built bin, `dist/box-emulator/main.js`), so its
 * peak RSS (VmHWM from /proc/PID/status) is the emulator's alone.
 *
 * Sizes: 2 GB (2e9 bytes) and 2.5 GiB by default (EMU_UPLOAD_SIZES=bytes,bytes to change).
 * The files are sparse (zeros, no disk used on the client side); the emulator writes parts,
 * the assembled file and the stored blob to its blob directory (up to ~3× the size on disk
 * during a commit), all in a temporary directory removed at the end. Linux only (/proc).
 *
 * Before the rebuild the emulator buffered every part and concatenated them in memory (peak
 * RSS ≈ 3× the file) and a file over 2 GiB failed (one hash update of > 2 GiB is refused).
 *
 * Run: npm run build && node --experimental-transform-types --import ./bench/register.mjs bench/emulator-upload.ts
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BoxClient } from '../src/box/client.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EMULATOR_BIN = join(ROOT, 'dist', 'box-emulator', 'main.js');
const SIZES = (process.env.EMU_UPLOAD_SIZES ?? `${2e9},${2.5 * 2 ** 30}`).split(',').map(Number);
const MB = 1e6;

function hwmKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}
function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function admin<T>(url: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${url}/_admin/${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const work = await mkdtemp(join(tmpdir(), 'aiqc-emu-upload-bench-'));
const { bavail, bsize } = await statfs(work);
const needed = Math.max(...SIZES) * 3.2;
if (bavail * bsize < needed) throw new Error(`needs ${(needed / 1e9).toFixed(1)} GB free in ${work}, has ${((bavail * bsize) / 1e9).toFixed(1)} GB`);

const configPath = join(work, 'box-config.json');
const emulator = spawn(process.execPath, [EMULATOR_BIN, '--port', '0', '--state', join(work, 'state.json'), '--write-app-config', configPath], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: emulator.stdout! });
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    emulator.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const pid = emulator.pid!;
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { boxAppSettings: { clientID: string } };
  const apps = (await (await fetch(`${url}/_admin/apps`)).json()) as { entries: Array<{ client_id: string; service_account: { id: string } }> };
  const serviceAccountId = apps.entries.find((a) => a.client_id === config.boxAppSettings.clientID)!.service_account.id;
  const owner = await admin<{ id: string }>(url, 'users', { name: 'Bench Owner' });
  const folder = await admin<{ id: string }>(url, 'folders', { name: 'INCOMING', owner_id: owner.id });
  await admin(url, 'collaborations', { folder_id: folder.id, user_id: serviceAccountId, role: 'editor' });
  const baseUrls = { baseUrl: url, uploadUrl: `${url}/api`, oauth2Url: `${url}/api/oauth2` };
  const box = new BoxClient({ settings: { auth: { kind: 'jwt', configPath }, baseUrls } });
  await box.getCurrentUser();

  console.log(`Emulator upload bench — emulator pid ${pid}, idle RSS ${(rssKb(pid) / 1024).toFixed(0)} MiB; load average ${loadavg()}`);
  for (const size of SIZES) {
    const path = join(work, `upload-${size}.bin`);
    const handle = await open(path, 'w');
    await handle.truncate(size);
    await handle.close();
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssKb(pid));
    }, 100);
    const started = performance.now();
    let outcome: string;
    try {
      const file = await box.uploadFile({ folderId: folder.id, name: `big-${size}.bin`, path });
      outcome = `stored as file ${file.id}`;
    } catch (err) {
      outcome = `FAILED: ${(err as Error).message.slice(0, 200)}`;
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    await rm(path, { force: true });
    console.log(
      `  ${(size / MB).toFixed(0)} MB (${(size / 2 ** 30).toFixed(2)} GiB): ${outcome} in ${seconds.toFixed(1)} s ` +
        `(${(size / MB / seconds).toFixed(0)} MB/s); emulator peak RSS during it ${(peakRss / 1024).toFixed(0)} MiB, ` +
        `VmHWM so far ${(hwmKb(pid) / 1024).toFixed(0)} MiB; load average ${loadavg()}`,
    );
  }
} finally {
  emulator.kill('SIGTERM');
  await new Promise((resolve) => emulator.once('exit', resolve));
  await rm(work, { recursive: true, force: true });
}
