import { AiqcError } from '../qc/errors.js';

export type BoxConnectErrorCode =
  | 'secret_key_missing'
  | 'secret_key_invalid'
  | 'secret_key_unknown'
  | 'token_decrypt_failed'
  | 'box_connect_off'
  | 'box_not_connected'
  | 'box_connection_broken'
  | 'box_token_conflict'
  | 'oauth_state_invalid'
  | 'oauth_state_expired'
  | 'oauth_state_replayed'
  | 'oauth_state_foreign'
  | 'oauth_denied'
  | 'oauth_code_refused'
  | 'box_account_unknown';

/** Per-user Box connect (DESIGN §10): every refusal says what happened and what to do. */
export class BoxConnectError extends AiqcError {
  /** The HTTP status a route answers with (never 500 for these). */
  readonly status: 400 | 401 | 403 | 404 | 409 | 502 | 503;
  constructor(code: BoxConnectErrorCode, message: string, options: { fix: string; status?: BoxConnectError['status']; cause?: unknown }) {
    super(code, message, { fix: options.fix, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.status = options.status ?? 400;
  }
}

export const RECONNECT_FIX = 'Open the console, choose "Connect Box" (Settings → My Box) and grant access again.';
