/**
 * The Box emulator's admin API over HTTP (`/_admin/…`), as the onboarding runbook uses it: the
 * steps a Box admin does in Box's web app (create the client's folders, invite the service
 * account, upload as a person) done against the emulator.
 */
export interface AdminUser {
  id: string;
  name: string;
  login: string;
}

export interface AdminApp {
  client_id: string;
  service_account: AdminUser;
  config: unknown;
}

export interface AdminFile {
  id: string;
  name: string;
  file_version: { id: string };
}

export class EmulatorAdmin {
  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown, raw?: Buffer): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_admin${path}`, {
      method,
      ...(raw ? { body: raw, headers: { 'content-type': 'application/octet-stream' } } : {}),
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Box emulator admin ${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async apps(): Promise<AdminApp[]> {
    return (await this.call<{ entries: AdminApp[] }>('GET', '/apps')).entries;
  }

  createUser(name: string, login: string): Promise<AdminUser> {
    return this.call('POST', '/users', { name, login });
  }

  createFolder(name: string, ownerId: string, parentId?: string): Promise<{ id: string; name: string }> {
    return this.call('POST', '/folders', { name, owner_id: ownerId, ...(parentId ? { parent_id: parentId } : {}) });
  }

  collaborate(folderId: string, userId: string, role: 'editor' | 'viewer'): Promise<{ id: string }> {
    return this.call('POST', '/collaborations', { folder_id: folderId, user_id: userId, role });
  }

  uploadAs(userId: string, folderId: string, name: string, content: Buffer): Promise<AdminFile> {
    const query = new URLSearchParams({ user_id: userId, folder_id: folderId, name });
    return this.call('POST', `/upload?${query.toString()}`, undefined, content);
  }
}
