/** `aiqc samples DIR`: write sample assets with known properties, to try aiqc on. */
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliIo } from './check.js';

export function registerSamplesCommand(program: Command, io: CliIo): void {
  program
    .command('samples')
    .argument('<dir>', 'folder to write the samples into (created if missing)')
    .description('write sample assets with known problems, to try aiqc on')
    .action(async (dir: string) => {
      await mkdir(dir, { recursive: true });
      // sharp is loaded only when samples are written, not for `aiqc --help`.
      const { writeImageSamples } = await import('../samples/images.js');
      for (const s of await writeImageSamples(dir)) io.stdout.write(`${s.file}  — ${s.purpose}\n`);
    });
}
