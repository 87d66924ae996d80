import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../src/checks/index.js';
import { loadClientsConfig } from '../../src/config/clients.js';
import { ConfigError } from '../../src/config/errors.js';
import { ProfileSet } from '../../src/config/profiles.js';
import { CheckCatalogue } from '../../src/qc/catalogue.js';
import { tempDir } from '../helpers/runtime.js';

const catalogue = new CheckCatalogue(builtinChecks);
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await mkdir(join(dir, 'profiles'));
});
afterEach(() => cleanup());

const writeProfile = (name: string, text: string) => writeFile(join(dir, 'profiles', name), text);
const load = () => ProfileSet.load({ catalogue, configDir: dir });

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('profiles', () => {
  it('every built-in profile loads and resolves', async () => {
    const set = await ProfileSet.load({ catalogue });
    expect(set.ids()).toEqual(expect.arrayContaining(['static_general', 'meta_feed_image', 'meta_stories_image', 'iab_display', 'file_basic']));
    for (const id of set.ids()) expect(set.get(id).checks.length).toBeGreaterThan(0);
  });

  it('extends merges checks by id: the child replaces params, keeps severity unless it sets one', async () => {
    await writeProfile('brand.yaml', `id: brand\nname: Brand\nextends: static_general\nchecks:\n  - id: image.dimensions\n    params: { allowed: ["1080x1080"] }\n  - id: image.icc_profile\n    enabled: false\n`);
    const p = (await load()).get('brand');
    const dims = p.checks.find((c) => c.id === 'image.dimensions')!;
    expect(dims.params).toEqual({ allowed: [{ width: 1080, height: 1080, label: '1080x1080' }] });
    expect(dims.severity).toBe('error');
    expect(p.checks.some((c) => c.id === 'image.icc_profile')).toBe(false);
    expect(p.checks.find((c) => c.id === 'file.size')!.severity).toBe('warning');
  });

  it('an unknown check id names the file, the path with its line, and a suggestion', async () => {
    await writeProfile('typo.yaml', `id: typo\nname: Typo\nchecks:\n  - id: image.dimension\n    params: { min_width: 10 }\n`);
    const err = await configError(load());
    expect(err.message).toContain(join(dir, 'profiles', 'typo.yaml'));
    expect(err.message).toContain('checks[0].id (line 4)');
    expect(err.message).toContain('unknown check id "image.dimension"');
    expect(err.message).toContain('did you mean image.dimensions');
  });

  it('a bad param is reported with the check’s own rule and the fix', async () => {
    await writeProfile('bad.yaml', `id: bad\nname: Bad\nchecks:\n  - id: file.size\n    params: { max: "thirty megs" }\n  - id: image.colorspace\n    params: { allowed: [rgbish] }\n`);
    const err = await configError(load());
    expect(err.problems.map((p) => p.path)).toEqual([expect.stringMatching(/^checks\[0\]\.params\.max \(line \d+\)$/), expect.stringMatching(/^checks\[1\]\.params\.allowed\[0\]/)]);
    expect(err.message).toContain('"thirty megs" is not a size: write e.g. "30 MB"');
    expect(err.message).toMatch(/fix: use one of: "srgb"/);
  });

  it('YAML syntax errors, unknown keys, cycles and unknown parents are config errors', async () => {
    await writeProfile('a.yaml', 'id: a\nname: A\nchecks: [\n');
    expect((await configError(load())).message).toMatch(/not valid YAML/);
    await writeProfile('a.yaml', 'id: a\nname: A\nchekcs: []\n');
    expect((await configError(load())).message).toMatch(/remove "chekcs"/);
    await writeProfile('a.yaml', 'id: a\nname: A\nextends: b\n');
    await writeProfile('b.yaml', 'id: b\nname: B\nextends: a\n');
    expect((await configError(load())).message).toMatch(/cycle: (a → b → a|b → a → b)/);
    await writeProfile('b.yaml', 'id: b\nname: B\nextends: nowhere\n');
    expect((await configError(load())).message).toMatch(/extends unknown profile "nowhere"/);
  });
});

describe('clients.yaml', () => {
  const writeClients = (text: string) => writeFile(join(dir, 'clients.yaml'), text);

  it('accepts DESIGN §4’s shape and the older flat keys', async () => {
    await writeClients(`clients:
  diageo:
    name: Diageo
    profiles: [meta_feed_image, static_general]
    default_profile: static_general
    box:
      folders:
        - { incoming_folder_id: "1234", reports_folder_id: "5678", profile: meta_feed_image }
  legacy:
    name: Legacy Co
    profiles: [static_general]
    default_profile: static_general
    box_folder_id: "111"
    box_reports_folder_id: 222
`);
    const cfg = await loadClientsConfig(dir, await load());
    expect(cfg.byIncomingFolder('1234')).toMatchObject({ client: { id: 'diageo' }, folder: { profile: 'meta_feed_image' } });
    expect(cfg.byIncomingFolder('111')).toMatchObject({ client: { id: 'legacy' }, folder: { reports_folder_id: '222' } });
  });

  it('reports a profile outside the client’s list, a default not in the list and a folder used twice, together', async () => {
    await writeClients(`clients:
  one:
    name: One
    profiles: [static_general]
    default_profile: meta_feed_image
    box:
      folders:
        - { incoming_folder_id: "1", reports_folder_id: "2", profile: iab_display }
  two:
    name: Two
    profiles: [static_general, no_such_profile]
    default_profile: static_general
    box_folder_id: "1"
    box_reports_folder_id: "3"
`);
    const err = await configError(loadClientsConfig(dir, await load()));
    expect(err.message).toContain('clients.one.default_profile');
    expect(err.message).toContain('profile "iab_display" is not in this client\'s profiles');
    expect(err.message).toContain('unknown profile "no_such_profile"');
    expect(err.message).toContain('Box folder 1 is already used by clients.one.box.folders[0]');
    expect(err.problems).toHaveLength(4);
  });
});
