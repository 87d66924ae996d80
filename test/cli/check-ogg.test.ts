/**
 * Ogg audio through the real `aiqc check --profile audio_general` (issue 11, item 5). file-type
 * names Ogg holding FLAC "oga" and Ogg holding Vorbis "ogg"; audio_general allows `ogg`, which
 * is both (and `.oga` is Ogg audio's own extension). With the `oga → ogg` alias removed from
 * file.format, the FLAC case fails with "OGA is not allowed here".
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/runtime.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

async function formatCheck(file: string): Promise<{ status: string; message: string; measured: Record<string, unknown> }> {
  const r = await run(process.execPath, [BIN, 'check', file, '--profile', 'audio_general', '--json'], { env: { ...process.env, AIQC_CONFIG_DIR: join(dir, 'no-config') } }).catch(
    (err: { stdout: string }) => err,
  );
  const report = JSON.parse(r.stdout) as { asset: { kind: string }; checks: Array<{ id: string; status: string; message: string; measured: Record<string, unknown> }> };
  expect(report.asset.kind).toBe('audio');
  return report.checks.find((c) => c.id === 'file.format')!;
}

const tone = async (name: string, codec: string[]) => {
  const file = join(dir, name);
  await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', ...codec, file]);
  return file;
};

describe('aiqc check on Ogg audio with audio_general', () => {
  it('Ogg FLAC (file-type: "oga") is Ogg, allowed — named .ogg or .oga', async () => {
    for (const name of ['tone-flac.ogg', 'tone-flac.oga']) {
      const check = await formatCheck(await tone(name, ['-c:a', 'flac', '-f', 'ogg']));
      expect(check, check.message).toMatchObject({ status: 'pass', message: 'OGG is allowed', measured: { format: 'ogg' } });
    }
  });

  it('Ogg Vorbis (file-type: "ogg") is allowed', async () => {
    const check = await formatCheck(await tone('tone-vorbis.ogg', ['-c:a', 'libvorbis']));
    expect(check, check.message).toMatchObject({ status: 'pass', measured: { format: 'ogg' } });
  });
});
