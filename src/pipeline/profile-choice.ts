import type { BoxFolderMapping, ClientConfig } from '../config/clients.js';
import type { QcRuntime } from '../app/runtime.js';
import type { AssetKind } from '../qc/types.js';

export type ProfileSource = 'folder' | 'override' | 'client_default' | 'kind_fallback';

export interface ProfileChoice {
  profileId: string;
  source: ProfileSource;
}

/**
 * DESIGN §4: the folder's `profile`, else the admin's run-time override of the client's default
 * (only while it is still one of the client's profiles: clients.yaml may have changed since it
 * was set), else the configured `default_profile`.
 */
export function configuredProfile(client: ClientConfig, folder: BoxFolderMapping, override: string | undefined): ProfileChoice {
  if (folder.profile) return { profileId: folder.profile, source: 'folder' };
  if (override && client.profiles.includes(override)) return { profileId: override, source: 'override' };
  return { profileId: client.default_profile, source: 'client_default' };
}

/**
 * The configured choice, unless it was not written for this kind of asset and the client has a
 * profile that was: one INCOMING folder commonly receives images, videos and PDFs alike, and an
 * image profile on a video would skip every check and report a meaningless pass.
 */
export function profileForKind(
  choice: ProfileChoice,
  kind: AssetKind,
  client: ClientConfig,
  appliesTo: (profileId: string) => readonly AssetKind[],
): ProfileChoice {
  if (kind === 'unknown' || appliesTo(choice.profileId).includes(kind)) return choice;
  const fitting = client.profiles.find((id) => appliesTo(id).includes(kind));
  return fitting ? { profileId: fitting, source: 'kind_fallback' } : choice;
}

/** The kinds each of the runtime's profiles was written for (none for an unknown id). */
export function profileAppliesTo(runtime: QcRuntime): (profileId: string) => readonly AssetKind[] {
  return (id) => (runtime.profiles.has(id) ? runtime.profiles.get(id).applies_to : []);
}
