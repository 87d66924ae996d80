/** `aiqc profiles list|show ID|validate PATH|checks` and `aiqc clients list`. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { QcRuntime } from '../app/runtime.js';
import type { CliIo } from './check.js';

export function registerProfileCommands(program: Command, getRuntime: () => Promise<QcRuntime>, io: CliIo): void {
  const profiles = program.command('profiles').description('list, show and validate QC profiles');
  profiles
    .command('list')
    .description('list every profile (built-in and from the config folder)')
    .action(async () => {
      const rt = await getRuntime();
      for (const id of rt.profiles.ids()) {
        const p = rt.profiles.get(id);
        io.stdout.write(`${id.padEnd(24)} ${p.name.padEnd(32)} ${p.applies_to.join(',').padEnd(22)} ${p.checks.length} checks  ${p.source === 'built-in' ? 'built-in' : p.source}\n`);
      }
    });
  profiles
    .command('show')
    .argument('<id>')
    .description('print a profile fully resolved (extends merged, defaults applied)')
    .action(async (id: string) => {
      const rt = await getRuntime();
      const p = rt.profiles.get(id);
      const { stringify } = await import('yaml');
      io.stdout.write(stringify({ id: p.id, name: p.name, description: p.description, applies_to: p.applies_to, source: rt.profiles.source(id), checks: p.checks }));
    });
  profiles
    .command('validate')
    .argument('<path>', 'a profile YAML file')
    .description('validate a profile file; prints every problem with its fix')
    .action(async (path: string) => {
      const rt = await getRuntime();
      const { ProfileSet } = await import('../config/profiles.js');
      const p = await ProfileSet.validateFile(resolve(path), { catalogue: rt.catalogue, configDir: rt.settings.configDir });
      io.stdout.write(`${path}: OK — profile ${p.id} "${p.name}" with ${p.checks.length} checks\n`);
    });
  profiles
    .command('checks')
    .description('list every check id with what it judges')
    .action(async () => {
      const rt = await getRuntime();
      for (const c of rt.catalogue.list()) io.stdout.write(`${c.id.padEnd(26)} ${c.appliesTo.join(',').padEnd(22)} ${c.description}\n`);
    });

  const clients = program.command('clients').description('clients and their profiles');
  clients
    .command('list')
    .description('list configured clients, their Box folders and default profile')
    .action(async () => {
      const rt = await getRuntime();
      if (rt.clients.clients.length === 0) {
        io.stdout.write(`no clients configured (${rt.clients.file} not found or empty)\n`);
        return;
      }
      for (const c of rt.clients.clients) {
        io.stdout.write(`${c.id}  "${c.name}"  default=${c.default_profile}  profiles=${c.profiles.join(',')}\n`);
        for (const f of c.folders) io.stdout.write(`    INCOMING ${f.incoming_folder_id} → REPORTS ${f.reports_folder_id}${f.profile ? `  profile=${f.profile}` : ''}\n`);
      }
    });
}
