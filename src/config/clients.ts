/**
 * clients.yaml (DESIGN §4): which client owns which Box folders and which profiles it may
 * use. The older flat keys (`box_folder_id`, `box_reports_folder_id`) from the earlier
 * deployment are accepted and normalised into `box.folders`.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { brandSchema, parseBrand, type ClientBrand } from './brand.js';
import { ConfigError, problemsFromZod, type ConfigProblem } from './errors.js';
import type { ProfileSet } from './profiles.js';
import { readYamlFile } from './yaml-file.js';

/** What the pipeline uploads beside each other; Box previews the PDF (it shows .html as source). */
export const REPORT_FORMATS = ['html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const boxId = z
  .union([z.string().regex(/^\d+$/, 'Box ids are digits'), z.number().int().nonnegative()])
  .transform((v) => String(v))
  .meta({ description: 'A Box folder id (digits; quote it in YAML)' });

export const boxFolderSchema = z.strictObject({
  incoming_folder_id: boxId,
  reports_folder_id: boxId,
  profile: z.string().optional().meta({ description: 'Profile for files dropped here; else the client default' }),
});

export const clientSchema = z
  .strictObject({
    name: z.string().min(1),
    profiles: z.array(z.string()).min(1).meta({ description: 'Profiles this client may use' }),
    default_profile: z.string(),
    box: z.strictObject({ folders: z.array(boxFolderSchema).default([]) }).optional(),
    box_folder_id: boxId.optional().meta({ description: 'Older flat form of box.folders[0].incoming_folder_id' }),
    box_reports_folder_id: boxId.optional().meta({ description: 'Older flat form of box.folders[0].reports_folder_id' }),
    guidelines: z.string().optional().meta({ description: 'Brand guideline text for the AI checks' }),
    dictionary: z.array(z.string()).optional().meta({ description: 'Words the spelling check accepts for this client' }),
    brand: brandSchema.optional(),
    report_formats: z
      .array(z.enum(REPORT_FORMATS))
      .min(1)
      .optional()
      .meta({ description: 'Reports uploaded to REPORTS (default both): html (self-contained page) and pdf (what Box previews)' }),
  })
  .superRefine((c, ctx) => {
    if ((c.box_folder_id === undefined) !== (c.box_reports_folder_id === undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.box_folder_id === undefined ? 'box_folder_id' : 'box_reports_folder_id'], message: 'box_folder_id and box_reports_folder_id go together' });
    }
  });

export const clientsFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    clients: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'client ids are lowercase letters, digits, _ and -'), clientSchema),
  })
  .meta({ title: 'aiqc clients', description: 'Clients, their Box folders and profiles (DESIGN §4).' });

export interface BoxFolderMapping {
  incoming_folder_id: string;
  reports_folder_id: string;
  profile?: string;
}

export interface ClientConfig {
  id: string;
  name: string;
  profiles: string[];
  default_profile: string;
  folders: BoxFolderMapping[];
  guidelines?: string;
  dictionary?: string[];
  /** Palette and allowed QR domains for the image checks (normalised: lower-case hex and hosts). */
  brand?: ClientBrand;
  /** Default both. */
  report_formats?: ReportFormat[];
}

export interface ClientsConfig {
  file: string;
  clients: ClientConfig[];
  /** The client and folder mapping for a Box INCOMING folder id. */
  byIncomingFolder(folderId: string): { client: ClientConfig; folder: BoxFolderMapping } | undefined;
  get(clientId: string): ClientConfig | undefined;
}

export function clientsFilePath(configDir: string): string {
  return join(configDir, 'clients.yaml');
}

/** Load `<configDir>/clients.yaml`; a missing file means no clients (CLI-only use). */
export async function loadClientsConfig(configDir: string, profiles: ProfileSet): Promise<ClientsConfig> {
  const file = clientsFilePath(configDir);
  try {
    await access(file);
  } catch {
    return makeClientsConfig(file, []);
  }
  const yaml = await readYamlFile(file);
  const parsed = clientsFileSchema.safeParse(yaml.data ?? { clients: {} });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => {
        const [p] = problemsFromZod(new z.ZodError([issue]));
        const where = yaml.where(issue.path);
        return { ...p!, path: where ? `${p!.path} (${where})` : p!.path };
      }),
    );
  }

  const problems: ConfigProblem[] = [];
  const at = (path: PropertyKey[], label: string) => {
    const where = yaml.where(path);
    return where ? `${label} (${where})` : label;
  };
  const folderOwners = new Map<string, string>();
  const clients: ClientConfig[] = [];
  for (const [id, c] of Object.entries(parsed.data.clients)) {
    const base = `clients.${id}`;
    for (const [i, profileId] of c.profiles.entries()) {
      if (!profiles.has(profileId)) problems.push({ path: at(['clients', id, 'profiles', i], `${base}.profiles[${i}]`), message: `unknown profile "${profileId}"`, fix: `use one of: ${profiles.ids().join(', ')}` });
    }
    if (!c.profiles.includes(c.default_profile)) {
      problems.push({ path: at(['clients', id, 'default_profile'], `${base}.default_profile`), message: `default_profile "${c.default_profile}" is not in this client's profiles`, fix: `add it to ${base}.profiles or pick one of: ${c.profiles.join(', ')}` });
    }
    const folders: BoxFolderMapping[] = [...(c.box?.folders ?? []).map((f) => ({ ...f }))];
    if (c.box_folder_id && c.box_reports_folder_id) folders.push({ incoming_folder_id: c.box_folder_id, reports_folder_id: c.box_reports_folder_id });
    folders.forEach((f, i) => {
      const fpath = `${base}.box.folders[${i}]`;
      if (f.profile && !c.profiles.includes(f.profile)) {
        problems.push({ path: at(['clients', id, 'box', 'folders', i, 'profile'], `${fpath}.profile`), message: `profile "${f.profile}" is not in this client's profiles`, fix: `add it to ${base}.profiles or pick one of: ${c.profiles.join(', ')}` });
      }
      for (const folderId of [f.incoming_folder_id, f.reports_folder_id]) {
        const owner = folderOwners.get(folderId);
        if (owner) problems.push({ path: at(['clients', id], fpath), message: `Box folder ${folderId} is already used by ${owner}`, fix: 'give every client and folder mapping its own INCOMING and REPORTS folders' });
        else folderOwners.set(folderId, `${fpath}`);
      }
    });
    const brand = c.brand ? parseBrand(c.brand, ['clients', id, 'brand'], at) : undefined;
    if (brand) problems.push(...brand.problems);
    clients.push({
      id,
      name: c.name,
      profiles: c.profiles,
      default_profile: c.default_profile,
      folders,
      ...(c.guidelines !== undefined ? { guidelines: c.guidelines } : {}),
      ...(c.dictionary !== undefined ? { dictionary: c.dictionary } : {}),
      ...(brand ? { brand: brand.brand } : {}),
      ...(c.report_formats !== undefined ? { report_formats: [...new Set(c.report_formats)] } : {}),
    });
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return makeClientsConfig(file, clients);
}

export function makeClientsConfig(file: string, clients: ClientConfig[]): ClientsConfig {
  const byFolder = new Map<string, { client: ClientConfig; folder: BoxFolderMapping }>();
  for (const client of clients) for (const folder of client.folders) byFolder.set(folder.incoming_folder_id, { client, folder });
  return {
    file,
    clients,
    byIncomingFolder: (folderId) => byFolder.get(folderId),
    get: (clientId) => clients.find((c) => c.id === clientId),
  };
}
