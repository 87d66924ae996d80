/**
 * Profiles are data (DESIGN §4): YAML files validated with zod, merged along `extends`,
 * every check's params validated by that check's own schema. Built-in profiles ship in the
 * package's `profiles/` folder; a user's live in `<config dir>/profiles/` and may shadow one.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { editDistance } from '../checks/text/words.js';
import type { CheckCatalogue } from '../qc/catalogue.js';
import type { AssetKind, ResolvedCheck, ResolvedProfile, Severity } from '../qc/types.js';
import { ConfigError, problemsFromZod, type ConfigProblem } from './errors.js';
import { parseYamlText, readYamlFile, type LoadedYaml } from './yaml-file.js';

export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

const kindEnum = z.enum(['image', 'pdf', 'video', 'audio']);
const severityEnum = z.enum(['error', 'warning', 'info']);

export const profileCheckSchema = z.strictObject({
  id: z.string().min(1).meta({ description: 'A check id from the catalogue, e.g. image.dimensions' }),
  severity: severityEnum.optional().meta({ description: 'error (default) | warning | info' }),
  weight: z.number().min(0).optional().meta({ description: 'Overrides the severity weight in the score (error 3, warning 1, info 0)' }),
  enabled: z.boolean().optional().meta({ description: 'false drops a check inherited through extends' }),
  params: z.record(z.string(), z.unknown()).optional(),
});

export const profileFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'profile ids are lowercase letters, digits, _ and -'),
    name: z.string().min(1),
    description: z.string().optional(),
    applies_to: z.array(kindEnum).min(1).optional(),
    extends: z.string().optional(),
    checks: z.array(profileCheckSchema).default([]),
  })
  .meta({ title: 'aiqc profile', description: 'A named list of configurable checks (DESIGN §4).' });

export type ProfileFile = z.infer<typeof profileFileSchema>;

interface RawCheck {
  severity: Severity;
  weight?: number;
  params: Record<string, unknown>;
}

interface LoadedProfile {
  profile: ProfileFile;
  yaml: LoadedYaml;
  builtin: boolean;
}

/** A built-in profile not read yet: its id is its file name (checked when it is read). */
interface UnreadBuiltin {
  file: string;
  unread: true;
}

type ProfileEntry = LoadedProfile | UnreadBuiltin;

/** The general profile used when none is named, by the asset's kind. */
export const GENERAL_PROFILE_FOR_KIND: Record<AssetKind, string> = {
  image: 'static_general',
  video: 'video_general',
  audio: 'audio_general',
  pdf: 'print_pdf_general',
  unknown: 'file_basic',
};

export class ProfileSet {
  private readonly resolved = new Map<string, ResolvedProfile>();
  /** Merged, unparsed check entries per profile: children merge raw params, then parse once. */
  private readonly raw = new Map<string, Map<string, RawCheck>>();

  private constructor(
    private readonly profiles: Map<string, ProfileEntry>,
    private readonly catalogue: CheckCatalogue,
  ) {}

  /**
   * Load the user's profiles and resolve every one (with the built-ins they extend), so that
   * all errors in them surface at start-up rather than when the first file of some kind
   * arrives. Built-in profiles ship with the code and are proven by its tests: each is read
   * and resolved when first used, so `aiqc check` on an image parses one YAML file, not all.
   */
  static async load(opts: { catalogue: CheckCatalogue; configDir?: string; builtinDir?: string }): Promise<ProfileSet> {
    const profiles = new Map<string, ProfileEntry>();
    await addBuiltinDir(profiles, opts.builtinDir ?? BUILTIN_PROFILES_DIR);
    if (opts.configDir) await addDir(profiles, join(opts.configDir, 'profiles'));
    const set = new ProfileSet(profiles, opts.catalogue);
    for (const [id, entry] of profiles) if (!('unread' in entry)) set.resolve(id);
    return set;
  }

  /** Validate one profile file on its own (with the built-ins available to extend). */
  static async validateFile(file: string, opts: { catalogue: CheckCatalogue; configDir?: string; builtinDir?: string }): Promise<ResolvedProfile> {
    const base = await ProfileSet.load(opts);
    const loaded = await loadProfileFile(file, false);
    const profiles = new Map(base.profiles);
    profiles.set(loaded.profile.id, loaded);
    return new ProfileSet(profiles, opts.catalogue).resolve(loaded.profile.id);
  }

  ids(): string[] {
    return [...this.profiles.keys()].sort();
  }

  has(id: string): boolean {
    return this.profiles.has(id);
  }

  source(id: string): string | undefined {
    const p = this.profiles.get(id);
    if (!p) return undefined;
    return 'unread' in p ? `built-in (${p.file})` : p.builtin ? `built-in (${p.yaml.file})` : p.yaml.file;
  }

  get(id: string): ResolvedProfile {
    const found = this.resolved.get(id) ?? (this.profiles.has(id) ? this.resolve(id) : undefined);
    if (!found) throw new UnknownProfileError(id, this.ids());
    return found;
  }

  /** The built-in general profile for a kind (DESIGN §2: `aiqc check` without --profile). */
  generalFor(kind: AssetKind): ResolvedProfile {
    const id = GENERAL_PROFILE_FOR_KIND[kind];
    return this.has(id) ? this.get(id) : this.get('file_basic');
  }

  private resolve(id: string, chain: string[] = []): ResolvedProfile {
    const cached = this.resolved.get(id);
    if (cached) return cached;
    const loaded = this.read(id);
    if (!loaded) throw new UnknownProfileError(id, this.ids());
    const { profile, yaml } = loaded;
    if (chain.includes(id)) {
      throw new ConfigError(yaml.file, [{ path: 'extends', message: `extends forms a cycle: ${[...chain, id].join(' → ')}`, fix: 'remove one of the extends links' }]);
    }

    let inherited: ResolvedProfile | undefined;
    if (profile.extends) {
      if (!this.profiles.has(profile.extends)) {
        throw new ConfigError(yaml.file, [
          { path: withLine('extends', yaml, ['extends']), message: `extends unknown profile "${profile.extends}"`, fix: `use one of: ${this.ids().join(', ')}` },
        ]);
      }
      inherited = this.resolve(profile.extends, [...chain, id]);
    }

    const merged = new Map<string, RawCheck>();
    if (inherited) for (const [checkId, entry] of this.raw.get(inherited.id) ?? []) merged.set(checkId, { ...entry, params: { ...entry.params } });

    const problems: ConfigProblem[] = [];
    const resolvedChecks: ResolvedCheck[] = [];
    profile.checks.forEach((check, index) => {
      const at = `checks[${index}]`;
      const def = this.catalogue.get(check.id);
      if (!def) {
        problems.push({ path: withLine(`${at}.id`, yaml, ['checks', index, 'id']), message: `unknown check id "${check.id}"`, fix: suggestCheck(check.id, this.catalogue.ids()) });
        return;
      }
      if (check.enabled === false) {
        merged.delete(check.id);
        return;
      }
      const before = merged.get(check.id);
      merged.set(check.id, {
        severity: check.severity ?? before?.severity ?? 'error',
        ...(check.weight !== undefined ? { weight: check.weight } : before?.weight !== undefined ? { weight: before.weight } : {}),
        // A child's params replace the parent's whole: merging keys would leave a parent's
        // min_width beside a child's exact `allowed` sizes, which nobody reading the child expects.
        params: check.params ?? before?.params ?? {},
      });
    });

    for (const [checkId, entry] of merged) {
      const def = this.catalogue.get(checkId)!;
      const parsed = def.params.safeParse(entry.params);
      if (!parsed.success) {
        const index = profile.checks.findIndex((c) => c.id === checkId);
        const prefix = index >= 0 ? `checks[${index}].params` : `checks(${checkId}, inherited from ${profile.extends}).params`;
        for (const p of problemsFromZod(parsed.error, prefix)) {
          const issuePath = p.path.slice(prefix.length).split(/[.[\]]/).filter(Boolean);
          problems.push({ ...p, path: withLine(p.path, yaml, index >= 0 ? ['checks', index, 'params', ...issuePath] : ['checks']) });
        }
        continue;
      }
      resolvedChecks.push({ id: checkId, severity: entry.severity, ...(entry.weight !== undefined ? { weight: entry.weight } : {}), params: parsed.data });
    }
    if (problems.length > 0) throw new ConfigError(yaml.file, problems);

    const appliesTo = (profile.applies_to ?? inherited?.applies_to ?? ['image', 'pdf', 'video', 'audio']) as AssetKind[];
    const resolved: ResolvedProfile = {
      id: profile.id,
      name: profile.name,
      ...(profile.description ? { description: profile.description } : {}),
      applies_to: appliesTo,
      checks: resolvedChecks,
      source: loaded.builtin ? 'built-in' : yaml.file,
    };
    this.resolved.set(id, resolved);
    this.raw.set(id, merged);
    return resolved;
  }

  /** The profile's file, read now if it is a built-in not read yet. */
  private read(id: string): LoadedProfile | undefined {
    const entry = this.profiles.get(id);
    if (!entry || !('unread' in entry)) return entry;
    const loaded = parseProfile(entry.file, readFileSync(entry.file, 'utf8'), true);
    if (loaded.profile.id !== id) {
      throw new ConfigError(entry.file, [{ path: 'id', message: `the built-in profile's id "${loaded.profile.id}" differs from its file name`, fix: `name the file ${loaded.profile.id}.yaml` }]);
    }
    this.profiles.set(id, loaded);
    return loaded;
  }
}

export class UnknownProfileError extends ConfigError {
  constructor(
    readonly profileId: string,
    known: string[],
  ) {
    super('profiles', [{ path: '', message: `no profile with id "${profileId}"`, fix: `use one of: ${known.join(', ')} — or a path to a profile YAML file` }]);
  }
}

const yamlNames = async (dir: string) => (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();

async function addBuiltinDir(into: Map<string, ProfileEntry>, dir: string): Promise<void> {
  for (const name of await yamlNames(dir)) into.set(basename(name, extname(name)), { file: join(dir, name), unread: true });
}

async function addDir(into: Map<string, ProfileEntry>, dir: string): Promise<void> {
  let names: string[];
  try {
    names = await yamlNames(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const seenHere = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    const loaded = await loadProfileFile(file, false);
    const id = loaded.profile.id;
    const clash = seenHere.get(id);
    if (clash) {
      throw new ConfigError(file, [{ path: 'id', message: `profile id "${id}" is already defined in ${clash}`, fix: 'give each profile file its own id' }]);
    }
    seenHere.set(id, file);
    // A user profile with a built-in's id replaces it: that is how a site tunes a preset.
    into.set(id, loaded);
  }
}

export async function loadProfileFile(file: string, builtin: boolean): Promise<LoadedProfile> {
  return checkProfile(await readYamlFile(file), builtin);
}

function parseProfile(file: string, text: string, builtin: boolean): LoadedProfile {
  return checkProfile(parseYamlText(file, text), builtin);
}

function checkProfile(yaml: LoadedYaml, builtin: boolean): LoadedProfile {
  const file = yaml.file;
  const parsed = profileFileSchema.safeParse(yaml.data ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue, i) => {
        const p = problemsFromZod(new z.ZodError([issue]))[0]!;
        void i;
        return { ...p, path: withLine(p.path, yaml, issue.path) };
      }),
    );
  }
  return { profile: parsed.data, yaml, builtin };
}

function withLine(path: string, yaml: LoadedYaml, at: ReadonlyArray<PropertyKey>): string {
  const where = yaml.where(at);
  return where ? `${path} (${where})` : path;
}

function suggestCheck(id: string, known: string[]): string {
  const close = known
    .map((k) => ({ k, d: editDistance(id, k) }))
    .sort((a, b) => a.d - b.d)
    .filter((x) => x.d <= 4)
    .slice(0, 3)
    .map((x) => x.k);
  return close.length > 0 ? `did you mean ${close.join(' or ')}? (\`aiqc profiles checks\` lists every id)` : 'run `aiqc profiles checks` to list every check id';
}

