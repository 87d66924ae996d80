/**
 * `aiqc --help` lists the service commands without loading them (issue 11: start-up). The
 * summaries in main.ts must say what the real commands say, so the help never goes stale.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli, SERVICE_COMMAND_SUMMARIES } from '../../src/cli/main.js';
import { registerServiceCommands } from '../../src/cli/service-commands.js';

function capture() {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { sink, text: () => text };
}

describe('aiqc --help', () => {
  it('names every service command with the description the real command carries', () => {
    const program = new Command('aiqc');
    const io = capture();
    registerServiceCommands(program, { io: { stdout: io.sink, stderr: io.sink }, getRuntime: () => Promise.reject(new Error('not used')), setExitCode: () => undefined });
    const real = program.commands.filter((c) => c.name() !== 'clients').map((c) => [c.name(), c.description()]);
    expect(SERVICE_COMMAND_SUMMARIES.map(([n, d]) => [n, d])).toEqual(real);
  });

  it('prints local and service commands alike', async () => {
    const out = capture();
    expect(await runCli(['--help'], { stdout: out.sink, stderr: out.sink })).toBe(0);
    for (const name of ['check', 'profiles', 'clients', 'samples', ...SERVICE_COMMAND_SUMMARIES.map(([n]) => n)]) expect(out.text()).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});
