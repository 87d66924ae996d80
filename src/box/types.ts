// The plain shapes aiqc's Box client hands out instead of SDK classes, and the mapping from
// the SDK's schemas to them.
import type { FileFull, Item, Webhook, WebhookMini } from 'box-node-sdk/schemas';

export interface BoxUser {
  id: string;
  name: string;
  login: string;
}

export interface BoxPathEntry {
  id: string;
  name: string;
}

export interface BoxFileInfo {
  id: string;
  name: string;
  size: number;
  sha1?: string;
  /** Id of the current version: (file id, version id) identifies one upload. */
  versionId?: string;
  parentId?: string;
  modifiedAt?: string;
  /** Ancestors from "All Files" down to the parent, as the service account sees them. */
  path: BoxPathEntry[];
}

export interface BoxFolderInfo {
  id: string;
  name: string;
  parentId?: string;
  path: BoxPathEntry[];
  /** The service account may upload and create sub-folders here (editor or better). */
  canUpload: boolean;
  canDownload: boolean;
}

export interface BoxItem {
  type: 'file' | 'folder' | 'web_link';
  id: string;
  name: string;
  size?: number;
  sha1?: string;
  versionId?: string;
  modifiedAt?: string;
}

export interface BoxWebhook {
  id: string;
  targetId: string;
  targetType: 'file' | 'folder';
  /** Present on webhooks read one by one; Box's list answers only id and target. */
  address?: string;
  triggers?: string[];
  createdAt?: string;
}

export const pathOf = (collection: { entries?: ReadonlyArray<{ id: string; name?: string }> } | undefined): BoxPathEntry[] =>
  (collection?.entries ?? []).map((e) => ({ id: e.id, name: e.name ?? '' }));

export function fileInfo(file: FileFull): BoxFileInfo {
  const info: BoxFileInfo = { id: file.id, name: file.name ?? '', size: file.size ?? 0, path: pathOf(file.pathCollection) };
  if (file.sha1) info.sha1 = file.sha1;
  if (file.fileVersion?.id) info.versionId = file.fileVersion.id;
  if (file.parent?.id) info.parentId = file.parent.id;
  if (file.modifiedAt) info.modifiedAt = file.modifiedAt.value.toISOString();
  return info;
}

export function itemOf(item: Item): BoxItem {
  const out: BoxItem = { type: item.type as BoxItem['type'], id: item.id, name: ('name' in item ? item.name : undefined) ?? '' };
  if (item.type === 'file') {
    const file = item as FileFull;
    if (file.size !== undefined) out.size = file.size;
    if (file.sha1) out.sha1 = file.sha1;
    if (file.fileVersion?.id) out.versionId = file.fileVersion.id;
    if (file.modifiedAt) out.modifiedAt = file.modifiedAt.value.toISOString();
  }
  return out;
}

export function webhookOf(webhook: Webhook | WebhookMini): BoxWebhook {
  const out: BoxWebhook = { id: webhook.id ?? '', targetId: webhook.target?.id ?? '', targetType: (webhook.target?.type ?? 'folder') as 'file' | 'folder' };
  if ('address' in webhook && webhook.address) out.address = webhook.address;
  if ('triggers' in webhook && webhook.triggers) out.triggers = [...webhook.triggers];
  if ('createdAt' in webhook && webhook.createdAt) out.createdAt = webhook.createdAt.value.toISOString();
  return out;
}

