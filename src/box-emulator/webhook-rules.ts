// Box's webhook rules as the emulator applies them: one webhook per item per app, HTTPS on 443
// unless started with --allow-insecure-webhooks, FILE.UPLOADED only on folders, and delivery of
// FILE.UPLOADED to every webhook watching the folder (or any folder above it).
import { EmuApiError, badRequest, notFound } from './errors.js';
import { FILE_STANDARD_KEYS, fileFull, selectFields, userMini } from './represent.js';
import type { EmuFile, EmuFolder, EmuState, EmuWebhook } from './state.js';
import { isWithin, nextId } from './state.js';
import type { WebhookDispatcher } from './webhook-delivery.js';
import { BOX_WEBHOOK_TRIGGERS } from '../box/webhook-triggers.js';

const WEBHOOK_TRIGGERS: ReadonlySet<string> = new Set(BOX_WEBHOOK_TRIGGERS);

/** What the rules need from the emulator's core (an interface, so the two files don't import each other). */
export interface WebhookHost {
  readonly dispatcher: WebhookDispatcher;
  now(): number;
  timestamp(atMs: number): string;
  visibleFolder(userId: string, folderId: string): EmuFolder;
  visibleFile(userId: string, fileId: string): EmuFile;
}

export class WebhookRules {
  constructor(
    private readonly core: WebhookHost,
    private readonly state: EmuState,
    private readonly allowInsecureWebhooks: boolean,
    private readonly changed: () => void,
  ) {}

  create(userId: string, clientId: string, input: Record<string, unknown>): EmuWebhook {
    const target = input['target'] as { id?: unknown; type?: unknown } | undefined;
    const address = input['address'];
    const triggers = input['triggers'];
    if (!target || typeof target.id !== 'string' || (target.type !== 'folder' && target.type !== 'file')) {
      throw badRequest("Bad Request: 'target' must be {id, type: file|folder}");
    }
    this.checkWebhookAddress(address);
    if (!Array.isArray(triggers) || triggers.length === 0 || !triggers.every((t) => typeof t === 'string' && WEBHOOK_TRIGGERS.has(t))) {
      throw badRequest("Bad Request: 'triggers' must be a non-empty list of Box webhook triggers");
    }
    this.checkTriggersForTarget(target.type, triggers as string[]);
    if (target.type === 'folder') this.core.visibleFolder(userId, target.id);
    else this.core.visibleFile(userId, target.id);
    // Box: one webhook per item per app, whatever its address (a new address is a PUT).
    for (const existing of this.state.webhooks.values()) {
      if (existing.clientId === clientId && existing.targetId === target.id && existing.targetType === target.type) {
        throw new EmuApiError(409, 'conflict', 'Webhook:' + existing.id + ' already exists on the specified target.');
      }
    }
    const webhook: EmuWebhook = {
      id: nextId(this.state),
      targetType: target.type,
      targetId: target.id,
      address: address as string,
      triggers: [...new Set(triggers as string[])],
      createdById: userId,
      clientId,
      createdAt: this.core.timestamp(this.core.now()),
    };
    this.state.webhooks.set(webhook.id, webhook);
    this.changed();
    return webhook;
  }

  /** Box: FILE.UPLOADED (an upload into a folder) is a folder trigger; a file target cannot have it. */
  private checkTriggersForTarget(targetType: 'file' | 'folder', triggers: string[]): void {
    if (targetType === 'file' && triggers.includes('FILE.UPLOADED')) {
      throw badRequest("Bad Request: the trigger 'FILE.UPLOADED' is only available on folders", 'bad_request');
    }
  }

  private checkWebhookAddress(address: unknown): void {
    let url: URL | undefined;
    try {
      url = typeof address === 'string' ? new URL(address) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw badRequest("Bad Request: 'address' must be a URL");
    if (!this.allowInsecureWebhooks && (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443'))) {
      throw badRequest("Bad Request: 'address' must use HTTPS on port 443 (start the emulator with --allow-insecure-webhooks for a plain http receiver)");
    }
  }

  /** Webhooks belong to the app that made them; another app sees 404. */
  visible(clientId: string, webhookId: string): EmuWebhook {
    const webhook = this.state.webhooks.get(webhookId);
    if (!webhook || webhook.clientId !== clientId) throw notFound();
    return webhook;
  }

  update(clientId: string, webhookId: string, input: Record<string, unknown>): EmuWebhook {
    const webhook = this.visible(clientId, webhookId);
    if (input['address'] !== undefined) {
      this.checkWebhookAddress(input['address']);
      webhook.address = input['address'] as string;
    }
    if (Array.isArray(input['triggers'])) {
      const triggers = input['triggers'] as unknown[];
      if (!triggers.every((t) => typeof t === 'string' && WEBHOOK_TRIGGERS.has(t))) throw badRequest('Bad Request: unknown trigger');
      this.checkTriggersForTarget(webhook.targetType, triggers as string[]);
      webhook.triggers = triggers as string[];
    }
    this.changed();
    return webhook;
  }

  delete(clientId: string, webhookId: string): void {
    this.visible(clientId, webhookId);
    this.state.webhooks.delete(webhookId);
    this.changed();
  }

  fireFileUploaded(file: EmuFile, actorId: string): void {
    for (const webhook of this.state.webhooks.values()) {
      if (!webhook.triggers.includes('FILE.UPLOADED')) continue;
      const watches =
        webhook.targetType === 'folder' ? isWithin(this.state, file.parentId, webhook.targetId) : webhook.targetId === file.id;
      if (!watches) continue;
      const app = this.state.apps.get(webhook.clientId);
      this.core.dispatcher.enqueue({
        webhookId: webhook.id,
        address: webhook.address,
        trigger: 'FILE.UPLOADED',
        keys: () => ({ primary: app?.primarySignatureKey, secondary: app?.secondarySignatureKey }),
        payload: {
          created_at: this.core.timestamp(this.core.now()),
          trigger: 'FILE.UPLOADED',
          webhook: { id: webhook.id, type: 'webhook' },
          created_by: userMini(this.state.users.get(actorId)),
          // Box's payload carries shared_link: null for an unshared file (the API's file JSON omits it).
          source: { ...selectFields(fileFull(this.state, webhook.createdById, file), undefined, FILE_STANDARD_KEYS), shared_link: null },
          additional_info: [],
        },
      });
    }
  }
}
