// Box's JSON representations of the emulator's state, as seen by one viewer (path_collection
// and parent depend on what that user may see). Shapes follow Box's OpenAPI components.
import type { EmuFile, EmuFolder, EmuState, EmuUser, EmuWebhook, Role } from './state.js';
import { ancestorChain, canRead, canUpload, canWrite, currentVersion, roleOnFolder } from './state.js';

type Json = Record<string, unknown>;

export function userMini(user: EmuUser | undefined): Json {
  if (!user) return { type: 'user', id: '0', name: 'Unknown', login: 'unknown@example.com' };
  return { type: 'user', id: user.id, name: user.name, login: user.login };
}

export function userStandard(user: EmuUser): Json {
  return {
    ...userMini(user),
    created_at: user.createdAt,
    modified_at: user.createdAt,
    language: 'en',
    timezone: 'UTC',
    space_amount: 10_000_000_000,
    space_used: 0,
    max_upload_size: 5_000_000_000,
    status: 'active',
    job_title: '',
    phone: '',
    address: '',
    avatar_url: '',
  };
}

export const ROOT_FOLDER_MINI: Json = { type: 'folder', id: '0', sequence_id: null, etag: null, name: 'All Files' };

export function folderMini(folder: EmuFolder): Json {
  return {
    type: 'folder',
    id: folder.id,
    sequence_id: String(folder.sequenceId),
    etag: String(folder.etag),
    name: folder.name,
  };
}

/** Ancestors the viewer can see, rooted at their own "All Files". */
function pathCollection(state: EmuState, viewerId: string, parentId: string): Json {
  const visible = parentId === '0' ? [] : ancestorChain(state, parentId).filter((f) => roleOnFolder(state, viewerId, f.id));
  const entries = [ROOT_FOLDER_MINI, ...visible.map(folderMini)];
  return { total_count: entries.length, entries };
}

function parentOf(state: EmuState, viewerId: string, parentId: string): Json {
  const path = pathCollection(state, viewerId, parentId);
  const entries = path['entries'] as Json[];
  return entries[entries.length - 1] ?? ROOT_FOLDER_MINI;
}

function permissions(role: Role | undefined, kind: 'file' | 'folder'): Json {
  const base = {
    can_delete: canWrite(role),
    can_download: canRead(role),
    can_invite_collaborator: role === 'owner' || role === 'co-owner' || role === 'editor',
    can_rename: canWrite(role),
    can_set_share_access: role === 'owner' || role === 'co-owner',
    can_share: canRead(role),
  };
  if (kind === 'folder') return { ...base, can_upload: canUpload(role) };
  return {
    ...base,
    can_annotate: canWrite(role),
    can_comment: canRead(role),
    can_preview: role !== undefined,
    can_upload: canWrite(role),
    can_view_annotations_all: canRead(role),
    can_view_annotations_self: canRead(role),
  };
}

function folderSize(state: EmuState, folderId: string): number {
  let size = 0;
  for (const file of state.files.values()) {
    if (file.parentId === folderId && !file.trashedAt) size += currentVersion(file).size;
  }
  for (const folder of state.folders.values()) {
    if (folder.parentId === folderId) size += folderSize(state, folder.id);
  }
  return size;
}

export function folderFull(state: EmuState, viewerId: string, folder: EmuFolder, itemCollection?: Json): Json {
  const role = roleOnFolder(state, viewerId, folder.id);
  const hasCollaborations = [...state.collaborations.values()].some((c) => c.folderId === folder.id);
  const repr: Json = {
    ...folderMini(folder),
    created_at: folder.createdAt,
    modified_at: folder.modifiedAt,
    description: '',
    size: folderSize(state, folder.id),
    path_collection: pathCollection(state, viewerId, folder.parentId),
    created_by: userMini(state.users.get(folder.createdById)),
    modified_by: userMini(state.users.get(folder.modifiedById)),
    trashed_at: null,
    purged_at: null,
    content_created_at: folder.createdAt,
    content_modified_at: folder.modifiedAt,
    owned_by: userMini(state.users.get(folder.ownerId)),
    shared_link: null,
    folder_upload_email: null,
    parent: parentOf(state, viewerId, folder.parentId),
    item_status: 'active',
    has_collaborations: hasCollaborations,
    permissions: permissions(role, 'folder'),
    can_non_owners_invite: true,
    is_externally_owned: false,
    is_collaboration_restricted_to_enterprise: false,
    allowed_shared_link_access_levels: ['open', 'company', 'collaborators'],
    allowed_invitee_roles: ['editor', 'viewer', 'previewer', 'uploader', 'previewer uploader', 'viewer uploader', 'co-owner'],
  };
  if (itemCollection) repr['item_collection'] = itemCollection;
  return repr;
}

/** Box's root folder, "All Files", seen by its user. */
export function rootFolderFull(state: EmuState, viewerId: string, itemCollection: Json): Json {
  const viewer = state.users.get(viewerId);
  return {
    ...ROOT_FOLDER_MINI,
    created_at: null,
    modified_at: null,
    description: '',
    size: 0,
    path_collection: { total_count: 0, entries: [] },
    created_by: userMini(viewer),
    modified_by: userMini(viewer),
    trashed_at: null,
    purged_at: null,
    content_created_at: null,
    content_modified_at: null,
    owned_by: userMini(viewer),
    shared_link: null,
    folder_upload_email: null,
    parent: null,
    item_status: 'active',
    permissions: permissions('owner', 'folder'),
    item_collection: itemCollection,
  };
}

export function fileVersionMini(file: EmuFile): Json {
  const version = currentVersion(file);
  return { type: 'file_version', id: version.id, sha1: version.sha1 };
}

export function fileMini(file: EmuFile): Json {
  const version = currentVersion(file);
  return {
    type: 'file',
    id: file.id,
    sequence_id: String(file.sequenceId),
    etag: String(file.etag),
    name: file.name,
    sha1: version.sha1,
    file_version: fileVersionMini(file),
  };
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : '';
}

export function fileFull(state: EmuState, viewerId: string, file: EmuFile): Json {
  const version = currentVersion(file);
  const role = roleOnFolder(state, viewerId, file.parentId);
  return {
    ...fileMini(file),
    description: '',
    size: version.size,
    path_collection: pathCollection(state, viewerId, file.parentId),
    created_at: file.createdAt,
    modified_at: file.modifiedAt,
    trashed_at: file.trashedAt ?? null,
    purged_at: null,
    content_created_at: file.contentCreatedAt,
    content_modified_at: file.contentModifiedAt,
    created_by: userMini(state.users.get(file.createdById)),
    modified_by: userMini(state.users.get(file.modifiedById)),
    owned_by: userMini(state.users.get(file.ownerId)),
    // No shared link and no tags: Box's spec types shared_link as an object and tags as a
    // non-empty list, so both are left out rather than sent as null / [].
    parent: parentOf(state, viewerId, file.parentId),
    item_status: file.trashedAt ? 'trashed' : 'active',
    version_number: String(file.versions.length),
    comment_count: 0,
    permissions: permissions(role, 'file'),
    extension: extensionOf(file.name),
    is_package: false,
    has_collaborations: false,
  };
}

/**
 * Box answers `fields=a,b` with the base fields plus exactly those asked for; without
 * `fields`, with the default set for the endpoint (`standardKeys`).
 */
export function selectFields(full: Json, fields: string[] | undefined, standardKeys: readonly string[]): Json {
  const wanted = fields ?? standardKeys;
  const out: Json = { type: full['type'], id: full['id'], etag: full['etag'] };
  for (const key of wanted) {
    if (key in full) out[key] = full[key];
  }
  return out;
}

export const FILE_STANDARD_KEYS = [
  'sequence_id',
  'name',
  'sha1',
  'file_version',
  'description',
  'size',
  'path_collection',
  'created_at',
  'modified_at',
  'trashed_at',
  'purged_at',
  'content_created_at',
  'content_modified_at',
  'created_by',
  'modified_by',
  'owned_by',
  'shared_link',
  'parent',
  'item_status',
] as const;

export const FOLDER_STANDARD_KEYS = [
  'sequence_id',
  'name',
  'created_at',
  'modified_at',
  'description',
  'size',
  'path_collection',
  'created_by',
  'modified_by',
  'trashed_at',
  'purged_at',
  'content_created_at',
  'content_modified_at',
  'owned_by',
  'shared_link',
  'folder_upload_email',
  'parent',
  'item_status',
  'item_collection',
] as const;

export function webhookMini(webhook: EmuWebhook): Json {
  return { id: webhook.id, type: 'webhook', target: { id: webhook.targetId, type: webhook.targetType } };
}

export function webhookStandard(state: EmuState, webhook: EmuWebhook): Json {
  return {
    ...webhookMini(webhook),
    created_by: userMini(state.users.get(webhook.createdById)),
    created_at: webhook.createdAt,
    address: webhook.address,
    triggers: webhook.triggers,
  };
}
