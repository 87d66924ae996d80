/**
 * The reports aiqc left in a client's REPORTS folder, and moving old ones to Box's trash.
 * Box's DELETE /files/:id does not erase a file: it goes to the trash, where an admin can
 * restore it for the enterprise's trash retention period (30 days by default).
 */
import type { BoxClient } from '../box/client.js';
import { toBoxApiError } from '../box/errors.js';
import { REPORT_PREFIX } from '../pipeline/box-qc-file.js';

export interface BoxReportFile {
  id: string;
  name: string;
  /** Epoch ms of Box's `modified_at`. */
  modifiedAt: number;
}

/**
 * aiqc's reports (named `QC_Report_…`) in `folderId` last modified before `cutoff`. Anything
 * else a person keeps in REPORTS is never touched; sub-folders are not entered.
 */
export async function listOldReports(box: BoxClient, folderId: string, cutoff: number): Promise<BoxReportFile[]> {
  const old: BoxReportFile[] = [];
  for await (const item of box.iterateItems(folderId)) {
    if (item.type !== 'file' || !item.name.startsWith(REPORT_PREFIX) || !item.modifiedAt) continue;
    const modifiedAt = Date.parse(item.modifiedAt);
    if (modifiedAt < cutoff) old.push({ id: item.id, name: item.name, modifiedAt });
  }
  return old;
}

export type TrashOutcome = { file: BoxReportFile; outcome: 'trashed' | 'already_gone' } | { file: BoxReportFile; outcome: 'failed'; error: string };

/**
 * Move each file to Box's trash, a few at a time (the client's retry policy paces 429s). A file
 * someone removed meanwhile (404) is not a failure.
 */
export async function trashFiles(box: BoxClient, files: readonly BoxReportFile[], concurrency = 4): Promise<TrashOutcome[]> {
  const outcomes: TrashOutcome[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      try {
        await box.sdk.files.deleteFileById(file.id);
        outcomes.push({ file, outcome: 'trashed' });
      } catch (err) {
        const error = toBoxApiError(err, { operation: 'trash report', itemKind: 'file', itemId: file.id });
        outcomes.push(error.status === 404 ? { file, outcome: 'already_gone' } : { file, outcome: 'failed', error: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, lane));
  return outcomes;
}
