// What `aiqc box` commands share: the configured INCOMING folders, the webhook address rules
// and how an error reads on one line.
import type { BoxFolderMapping, ClientConfig, ClientsConfig } from '../config/clients.js';
import { UsageError } from './errors.js';

export const TRIGGER = 'FILE.UPLOADED';

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL: pass the full webhook address, e.g. https://aiqc.example.com/api/box/webhook`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`"${raw}" is not an http(s) URL`);
  return url;
}

export interface FolderTarget {
  client: ClientConfig;
  folder: BoxFolderMapping;
}

export function incomingTargets(clients: ClientsConfig): FolderTarget[] {
  return clients.clients.flatMap((client) => client.folders.map((folder) => ({ client, folder })));
}

export const isHttpsOn443 = (url: URL): boolean => url.protocol === 'https:' && (url.port === '' || url.port === '443');

export const sameAddress = (a: string | undefined, b: string): boolean => a !== undefined && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
