// Box client throughput against the emulator over loopback: streamed multipart upload,
// chunked upload session, streamed download, listing a large folder, and peak RSS.
// Run after a build: npm run build && node bench/box-transfer.mjs
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BoxClient } from '../dist/box/index.js';
import { startBoxEmulator } from '../dist/box-emulator/index.js';

const MiB = 1024 * 1024;
const emulator = await startBoxEmulator();
const dir = mkdtempSync(join(tmpdir(), 'aiqc-box-bench-'));
try {
  const { config, serviceAccount } = emulator.admin.defaultApp();
  const configPath = join(dir, 'box.json');
  writeFileSync(configPath, JSON.stringify(config));
  const owner = emulator.admin.createUser({ name: 'Bench Owner' });
  const folder = emulator.admin.createFolder({ name: 'INCOMING', ownerId: owner.id });
  emulator.admin.collaborate({ folderId: folder.id, userId: serviceAccount.id, role: 'editor' });
  const box = new BoxClient({ settings: { auth: { kind: 'jwt', configPath }, baseUrls: emulator.baseUrls } });

  const small = join(dir, 'small.bin');
  const large = join(dir, 'large.bin');
  writeFileSync(small, randomBytes(8 * MiB));
  writeFileSync(large, randomBytes(60 * MiB));

  const results = [];
  async function measure(label, runs, fn) {
    const times = [];
    for (let i = 0; i < runs; i += 1) {
      const start = performance.now();
      await fn(i);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    results.push({ label, runs, median_ms: Math.round(times[Math.floor(times.length / 2)]), min_ms: Math.round(times[0]) });
  }

  await box.getCurrentUser();
  await measure('uploadFile 8 MiB (streamed multipart)', 5, (i) => box.uploadFile({ folderId: folder.id, name: `small-${i}.bin`, path: small }));
  let largeId = '';
  await measure('uploadFile 60 MiB (upload session, 8 MiB parts)', 3, async (i) => {
    largeId = (await box.uploadFile({ folderId: folder.id, name: `large-${i}.bin`, path: large })).id;
  });
  await measure('downloadToPath 60 MiB', 3, () => box.downloadToPath(largeId, join(dir, 'downloaded.bin')));
  const listing = (await box.findOrCreateFolder(folder.id, 'listing')).id;
  for (let i = 0; i < 2500; i += 1) emulator.admin.uploadAs({ userId: owner.id, folderId: listing, name: `item-${i}.jpg`, content: 'x' });
  await measure('listAllItems 2 500 items (3 pages)', 5, () => box.listAllItems(listing));

  console.table(results);
  console.log(`peak RSS (client and emulator in one process; the emulator keeps content on disk): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
} finally {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
