import { z } from 'zod';
import { defineJob } from '../jobs/definition.js';

/**
 * One Box upload to check: a file version in a client's INCOMING folder. Enqueued by the webhook
 * (src/pipeline/mapper.ts) or the sweeper, deduplicated by `boxFileDedupeKey(file, version)`.
 * The session id is chosen when the job is enqueued, so every attempt names its report alike.
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

export const BOX_QC_FILE_JOB = 'box.qc_file';

export const boxQcFileJob = defineJob(BOX_QC_FILE_JOB, {
  payload: boxQcFilePayload,
  // Box rate limits and outages clear within minutes; the backoff spreads six tries over them.
  maxAttempts: 6,
});
