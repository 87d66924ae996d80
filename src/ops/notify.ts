/**
 * AIQC_NOTIFY_URL: a Slack/Teams-style incoming webhook that gets one short text message per
 * alert batch. Both accept `{"text": "..."}` (Slack incoming webhooks; Teams' incoming-webhook
 * connector and Workflows "post to a channel when a webhook request is received"). The URL is a
 * secret (it carries the channel's token), so only its host is ever logged.
 */
import { AiqcError } from '../qc/errors.js';
export interface NotifySettings {
  url: URL;
}

export class NotifySettingsError extends AiqcError {
  constructor(message: string) {
    super('notify_settings', message);
  }
}

export function notifySettingsFromEnv(env: Record<string, string | undefined>): NotifySettings | undefined {
  const raw = env.AIQC_NOTIFY_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotifySettingsError('AIQC_NOTIFY_URL is not a URL: set it to the incoming-webhook address your Slack or Teams channel gave you, or unset it.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new NotifySettingsError(`AIQC_NOTIFY_URL uses "${url.protocol}": give the https:// incoming-webhook address, or unset it.`);
  }
  return { url };
}

export interface NotifyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type Notify = (text: string) => Promise<boolean>;

/** A poster that never throws: a chat outage must not stop the service; it is logged instead. */
export function createNotifier(settings: NotifySettings, deps: { logger: NotifyLogger; fetch?: typeof fetch; timeoutMs?: number }): Notify {
  const post = deps.fetch ?? fetch;
  const target = { notify_host: settings.url.host };
  return async (text) => {
    try {
      const response = await post(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
      if (!response.ok) {
        deps.logger.warn({ ...target, status: response.status }, `notification refused by ${settings.url.host} (HTTP ${response.status}); check AIQC_NOTIFY_URL`);
        return false;
      }
      deps.logger.info(target, 'notification sent');
      return true;
    } catch (error) {
      deps.logger.warn({ ...target, err: (error as Error).message }, `notification to ${settings.url.host} failed; check AIQC_NOTIFY_URL and the network`);
      return false;
    }
  };
}
