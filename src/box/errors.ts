// One error type for everything Box answers badly: status, Box's own code, request_id and,
// for the permission failures an operator can fix, the fix.
import { BoxApiError as SdkBoxApiError, BoxSdkError } from 'box-node-sdk/box';
import { AiqcError } from '../qc/errors.js';

/** What the failing call was about, so the message and the hint can name it. */
export interface BoxErrorContext {
  operation: string;
  itemKind?: 'file' | 'folder' | 'webhook';
  itemId?: string;
  /** The service account's login, when known, so a 403/404 hint can say whom to invite. */
  serviceAccountLogin?: string;
}

/** One item named in a 409's `context_info.conflicts`. */
export interface BoxConflict {
  type?: string;
  id?: string;
  name?: string;
  sha1?: string;
}

/**
 * `context_info.conflicts` as a list. Box answers an upload or preflight 409 with ONE object
 * (its UI elements read `conflicts.id`) and a folder 409 with an array, so every reader goes
 * through here.
 */
export function conflictsOf(contextInfo: Record<string, unknown> | undefined): BoxConflict[] {
  const raw = contextInfo?.['conflicts'];
  const list: unknown[] = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return list.filter((c): c is BoxConflict => Boolean(c) && typeof c === 'object');
}

export interface BoxApiErrorFields {
  status: number;
  code: string;
  message: string;
  requestId?: string;
  hint?: string;
  contextInfo?: Record<string, unknown>;
  retryAfterS?: number;
  /** Overrides the status-based judgement of `transient` (a token refusal after a lost answer). */
  transient?: boolean;
  cause?: unknown;
}

/** `code` is Box's error code (`item_name_in_use`, `rate_limit_exceeded`…), an OAuth `error`, or `network_error`; `fix` is the hint. */
export class BoxApiError extends AiqcError {
  /** HTTP status; 0 when Box never answered (connection reset, timeout, DNS). */
  readonly status: number;
  readonly requestId?: string;
  /** What an operator should do, for errors a person can fix (403, 404, 401). */
  readonly hint?: string;
  readonly contextInfo?: Record<string, unknown>;
  readonly retryAfterS?: number;
  private readonly transientOverride?: boolean;

  constructor(fields: BoxApiErrorFields) {
    super(fields.code, fields.message, { cause: fields.cause, fix: fields.hint });
    this.status = fields.status;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
    if (fields.hint !== undefined) this.hint = fields.hint;
    if (fields.contextInfo !== undefined) this.contextInfo = fields.contextInfo;
    if (fields.retryAfterS !== undefined) this.retryAfterS = fields.retryAfterS;
    if (fields.transient !== undefined) this.transientOverride = fields.transient;
  }

  /** The items a 409 names, whichever shape Box sent them in. */
  get conflicts(): BoxConflict[] {
    return conflictsOf(this.contextInfo);
  }

  /** Worth retrying later: rate limits, Box-side failures and lost connections. */
  get transient(): boolean {
    if (this.transientOverride !== undefined) return this.transientOverride;
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

function describeItem(context: BoxErrorContext): string {
  return context.itemKind && context.itemId ? `${context.itemKind} ${context.itemId}` : 'the item';
}

export function hintFor(status: number, code: string, context: BoxErrorContext): string | undefined {
  const account = context.serviceAccountLogin ?? "the Box app's service account (AutomationUser_…@boxdevedition.com)";
  const item = describeItem(context);
  if (status === 403) {
    return `Invite ${account} to ${item} as an Editor collaborator (Box web app → the folder → Share → Invite people); viewers cannot upload or create _PROCESSED.`;
  }
  if (status === 404) {
    return `Check that ${item} exists (the id in clients.yaml), and that ${account} is a collaborator on it: Box answers 404 for items the account cannot see.`;
  }
  if (status === 401 || code === 'invalid_client' || code === 'invalid_grant' || code === 'unauthorized_client') {
    return 'Check the Box credentials: the JSON at BOX_JWT_CONFIG_PATH (or BOX_CLIENT_ID/BOX_CLIENT_SECRET/BOX_ENTERPRISE_ID) must belong to an app authorised in the Box Admin Console.';
  }
  return undefined;
}

/** Box's error JSON → BoxApiError. Also takes OAuth's `{error, error_description}`. */
export function boxApiErrorFromBody(
  status: number,
  body: unknown,
  headers: Record<string, string | undefined>,
  context: BoxErrorContext,
  cause?: unknown,
): BoxApiError {
  const json = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const code =
    typeof json['code'] === 'string' ? json['code'] : typeof json['error'] === 'string' ? json['error'] : status === 401 ? 'unauthorized' : `http_${status}`;
  const boxMessage =
    typeof json['message'] === 'string' ? json['message'] : typeof json['error_description'] === 'string' ? json['error_description'] : '';
  const requestId = typeof json['request_id'] === 'string' ? json['request_id'] : headers['box-request-id'];
  const retryAfter = headers['retry-after'] !== undefined ? Number(headers['retry-after']) : undefined;
  const hint = hintFor(status, code, context);
  const message =
    `Box ${context.operation}${context.itemId ? ` (${describeItem(context)})` : ''} failed: ${status} ${code}` +
    `${boxMessage ? ` — ${boxMessage}` : ''}${requestId ? ` [request_id ${requestId}]` : ''}${hint ? `. Fix: ${hint}` : ''}`;
  const fields: BoxApiErrorFields = { status, code, message, cause };
  if (requestId !== undefined) fields.requestId = requestId;
  if (hint !== undefined) fields.hint = hint;
  if (json['context_info'] && typeof json['context_info'] === 'object') fields.contextInfo = json['context_info'] as Record<string, unknown>;
  if (retryAfter !== undefined && Number.isFinite(retryAfter)) fields.retryAfterS = retryAfter;
  return new BoxApiError(fields);
}

/**
 * Any error from a Box call → BoxApiError. SDK 10.12 JSON-stringifies `responseInfo.code`
 * and `requestId` (`'"not_found"'`), so the codes are read from the raw response body.
 */
export function toBoxApiError(err: unknown, context: BoxErrorContext): BoxApiError {
  if (err instanceof BoxApiError) return err;
  if (err instanceof SdkBoxApiError) {
    const info = err.responseInfo;
    return boxApiErrorFromBody(info.statusCode, info.body, info.headers, context, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  const underlying = err instanceof BoxSdkError && err.error ? err.error.message : undefined;
  return new BoxApiError({
    status: 0,
    code: 'network_error',
    message: `Box ${context.operation}${context.itemId ? ` (${describeItem(context)})` : ''} failed without an answer from Box: ${underlying ?? message}`,
    cause: err,
  });
}

// BoxConfigError lives apart from the SDK-bound errors: the settings that throw it are read at
// start-up by commands that never load the Box SDK (`aiqc check` through config/environment.ts).
export { BoxConfigError } from './config-error.js';
