/**
 * The Box QC job's identity, in one place (Karakeep's `queues.ts` shape): its kind, its payload
 * schema and the one factory that builds a payload, the idempotency key derived from it, and the
 * names the job gives things in Box (the report, the `_PROCESSED` folder and the archived
 * source). The webhook mapper and the sweeper both enqueue through `boxQcFileJobFor`; the job
 * handler (job.ts) and the echo filter name things with the functions below.
 */
import { z } from 'zod';
import { defineJob } from '../jobs/definition.js';
import { newSessionId } from '../qc/session.js';

export const BOX_QC_FILE_JOB = 'box.qc_file';

/**
 * One Box upload to check: a file version in a client's INCOMING folder. The session id is chosen
 * when the job is enqueued, so every attempt names its report alike.
 */
export const boxQcFilePayload = z.object({
  file_id: z.string().min(1),
  file_version_id: z.string().min(1),
  file_name: z.string().min(1),
  /** The INCOMING folder the file was uploaded to. */
  folder_id: z.string().min(1),
  client_id: z.string().min(1),
  session_id: z.string().regex(/^[0-9TZ]+-[0-9a-f]+$/).optional(),
});

export type BoxQcFilePayload = z.output<typeof boxQcFilePayload>;

export const boxQcFileJob = defineJob(BOX_QC_FILE_JOB, {
  payload: boxQcFilePayload,
  // Box rate limits and outages clear within minutes; the backoff spreads six tries over them.
  maxAttempts: 6,
});

/** One job per Box file version, ever: a webhook retry, a sweep and a replay all land on it. */
export function boxQcFileDedupeKey(file: { file_id: string; file_version_id: string }): string {
  return `box-file:${file.file_id}:${file.file_version_id}`;
}

export interface BoxQcFileJobRequest {
  kind: typeof BOX_QC_FILE_JOB;
  payload: BoxQcFilePayload;
  dedupeKey: string;
}

/** The job for a file version seen in a client's INCOMING folder (webhook or sweep), with a new session id. */
export function boxQcFileJobFor(
  file: { id: string; versionId: string; name: string },
  where: { incomingFolderId: string; clientId: string },
  now: Date,
): BoxQcFileJobRequest {
  const payload = boxQcFilePayload.parse({
    file_id: file.id,
    file_version_id: file.versionId,
    file_name: file.name,
    folder_id: where.incomingFolderId,
    client_id: where.clientId,
    session_id: newSessionId(now),
  });
  return { kind: BOX_QC_FILE_JOB, payload, dedupeKey: boxQcFileDedupeKey(payload) };
}

// ── names in Box ──────────────────────────────────────────────────────────────────────────
/** The sub-folder of INCOMING that checked sources are moved to. */
export const PROCESSED_FOLDER_NAME = '_PROCESSED';
export const REPORT_PREFIX = 'QC_Report_';

/** Box's limit on item names. */
const BOX_NAME_MAX = 255;

/** `QC_Report_<session>_<name>.html` (or `.pdf`), within Box's name limit. */
export function reportNameFor(sessionId: string, originalName: string, format: 'html' | 'pdf' = 'html'): string {
  return fitBoxName(`${REPORT_PREFIX}${sessionId}_`, originalName, `.${format}`);
}

/** `<session>_<name>`, the source's name in `_PROCESSED`. */
export function processedNameFor(sessionId: string, originalName: string): string {
  return fitBoxName(`${sessionId}_`, originalName, '');
}

/** A report aiqc uploaded (an echo to ignore, never an asset to check). */
export function isReportName(name: string): boolean {
  return name.startsWith(REPORT_PREFIX);
}

/** prefix + name + suffix, shortening the middle of `name` (keeping its extension) to Box's limit. */
function fitBoxName(prefix: string, name: string, suffix: string): string {
  const room = BOX_NAME_MAX - prefix.length - suffix.length;
  if (name.length <= room) return `${prefix}${name}${suffix}`;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return `${prefix}${name.slice(0, room - ext.length - 1)}…${ext}${suffix}`;
}
