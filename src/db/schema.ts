import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The typed shape of aiqc's database, shared by SQLite and PostgreSQL.
 *
 * Portable column choices (one migration set runs on both engines):
 * - times are epoch milliseconds in `bigint` columns (SQLite stores them as INTEGER; the
 *   PostgreSQL pool parses int8 into a JS number, exact for any date we will see);
 * - JSON is stored as text and parsed at the repository edge, so no engine's JSON type leaks
 *   into the code;
 * - statuses are text with the allowed values listed here.
 */
export interface Database {
  jobs: JobsTable;
  qc_runs: QcRunsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  box_folder_health: BoxFolderHealthTable;
  client_settings: ClientSettingsTable;
  users: UsersTable;
  user_clients: UserClientsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  box_connections: BoxConnectionsTable;
  box_oauth_states: BoxOauthStatesTable;
}

export const JOB_STATUSES = ['queued', 'running', 'done', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON text, validated by the kind's zod schema at enqueue time. */
  payload: string;
  /** At most one job per key, ever (e.g. `box-file:<file id>:<file version id>`). */
  dedupe_key: string | null;
  status: JobStatus;
  /** Attempts started so far; a claim increments it, a graceful release gives it back. */
  attempts: number;
  max_attempts: number;
  /** Epoch ms: not claimable before this. */
  run_after: number;
  /** Epoch ms: a running job whose lease passed is reclaimed (its worker stopped heartbeating). */
  lease_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  /** JSON text returned by the handler on success. */
  result: string | null;
  /** JSON text the handler checkpoints so a re-run can skip steps already done. */
  progress: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface QcRunsTable {
  id: Generated<number>;
  session_id: string;
  job_id: number | null;
  client_id: string | null;
  asset_name: string;
  asset_kind: string;
  asset_sha256: string | null;
  profile_id: string;
  score: number;
  verdict: string;
  /** The report JSON (DESIGN §3) as text ("{}" until an upload's status is done). */
  report: string;
  created_at: number;
  /** Where the file came from: box, upload (web console/API) or cli. */
  source: Generated<RunSource>;
  /** queued/running while an upload waits for the worker; score, verdict and report are real once done. */
  status: Generated<RunStatus>;
  /** The uploaded file under AIQC_DATA_DIR, kept with the run. */
  upload_path: string | null;
  /** users.id of whoever uploaded it. */
  created_by: number | null;
  box_file_id: string | null;
  /** JSON `{i, n, check_id}` of the check running now (read by pages and SSE after a reload). */
  progress: string | null;
  /** Why an upload could not be checked (status error). */
  error: string | null;
}

/** my_box: a file a console user picked from their own Box (per-user connect, DESIGN §10). */
export const RUN_SOURCES = ['box', 'upload', 'cli', 'my_box'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];
export const RUN_STATUSES = ['queued', 'running', 'done', 'error'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const DELIVERY_OUTCOMES = [
  'enqueued',
  'duplicate_event',
  'unknown_folder',
  'non_qc_extension',
  'ignored',
  'ignored_trigger',
  'webhook_deleted',
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  /** The event's own `id`: stable across Box's retries, so it is the dedupe key. */
  payload_id: string;
  /** `BOX-DELIVERY-ID`: changes on every retry; kept for tracing. */
  delivery_id: string | null;
  webhook_id: string | null;
  trigger: string;
  folder_id: string | null;
  file_id: string | null;
  file_version_id: string | null;
  received_at: number;
  outcome: DeliveryOutcome;
  job_id: number | null;
  detail: string | null;
}

export interface BoxFolderHealthTable {
  folder_id: string;
  last_delivery_at: number | null;
  missed_count: number;
  last_missed_at: number | null;
  webhook_deleted_at: number | null;
  deleted_webhook_id: string | null;
  updated_at: number;
}

/** Admin overrides of a client's default profile; a stack so revert restores the previous one. */
export interface ClientSettingsTable {
  id: Generated<number>;
  client_id: string;
  default_profile: string;
  set_at: number;
  /** Set when `revert-default` pops this override; the newest unreverted row is in force. */
  reverted_at: number | null;
  /** Who set it: a console user's e-mail, or "cli". */
  set_by: string | null;
  reverted_by: string | null;
}

export const USER_ROLES = ['admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UsersTable {
  id: Generated<number>;
  email: string;
  /** scrypt hash (src/auth/passwords.ts); null: cannot sign in with a password (tokens only). */
  password_hash: string | null;
  role: UserRole;
  created_at: number;
}

/** The clients a member may see; admins see every client. */
export interface UserClientsTable {
  user_id: number;
  client_id: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  label: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A console user's Box connection; `tokens` is ciphertext (src/boxconnect/keys.ts), never plaintext. */
export interface BoxConnectionsTable {
  user_id: number;
  box_user_id: string;
  box_user_name: string;
  box_user_login: string;
  /** AES-256-GCM of the JSON token pair, `v1.<kid>.<iv>.<ct>.<tag>`. */
  tokens: string;
  key_id: string;
  access_expires_at: number;
  connected_at: number;
  refreshed_at: number | null;
  /** Set when Box refused the refresh token (invalid_grant): the user must connect again. */
  broken_at: number | null;
  broken_reason: string | null;
  /** Bumped by every write: the compare-and-swap guard of a refresh. */
  version: number;
}

/** Nonces of OAuth `state` values already used; a second use is a replay. */
export interface BoxOauthStatesTable {
  nonce: string;
  used_at: number;
  expires_at: number;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
export type JobUpdate = Updateable<JobsTable>;
export type QcRunRow = Selectable<QcRunsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type BoxFolderHealthRow = Selectable<BoxFolderHealthTable>;
export type ClientSettingsRow = Selectable<ClientSettingsTable>;
export type UserRow = Selectable<UsersTable>;
