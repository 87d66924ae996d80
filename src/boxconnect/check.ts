/**
 * QC a file from the user's own Box, as them: download it with their token into the uploads
 * area, then the same path as a console upload (run row + job in one transaction), recorded with
 * source "my_box" and the Box file id. The report can go back next to the file when they ask.
 */
import { join } from 'node:path';
import type { Principal } from '../auth/accounts.js';
import { renderHtml } from '../report/html.js';
import type { QcReport } from '../report/schema.js';
import type { ConsoleService } from '../web/console-service.js';
import { BoxConnectError } from './errors.js';
import type { BoxConnect } from './service.js';

export async function checkBoxFile(
  deps: { connect: BoxConnect; service: ConsoleService; dataDir: string },
  p: Principal,
  input: { fileId: string; client?: string; profile?: string },
): Promise<{ runId: string; profileId: string; name: string }> {
  const file = await deps.connect.download(p.userId, input.fileId, join(deps.dataDir, 'uploads', '.incoming'));
  const accepted = await deps.service.submitCheck(p, {
    tempPath: file.tempPath,
    fileName: file.name,
    ...(input.client ? { client: input.client } : {}),
    ...(input.profile ? { profile: input.profile } : {}),
    source: 'my_box',
    boxFileId: input.fileId,
  });
  return { ...accepted, name: file.name };
}

/** `<name>.qc-report.html` in the file's own folder, as the user (a new version if it exists). */
export async function uploadReportNextToFile(
  deps: { connect: BoxConnect; service: ConsoleService; dataDir: string },
  p: Principal,
  runId: string,
): Promise<{ id: string; name: string; folderId: string }> {
  const run = await deps.service.runFor(p, runId);
  if (run.source !== 'my_box' || !run.boxFileId) {
    throw new BoxConnectError('box_not_connected', `Run ${runId} did not come from your Box.`, { fix: 'Only runs started from "My Box" can put their report back in Box.', status: 409 });
  }
  if (run.status !== 'done' || !run.report) throw new BoxConnectError('box_not_connected', `Run ${runId} is ${run.status}; its report exists once it is done.`, { fix: 'Wait for the run to finish.', status: 409 });
  const parent = await deps.connect.fileParent(p.userId, run.boxFileId);
  const name = `${run.assetName.replace(/\.[^.]+$/, '')}.qc-report.html`;
  const uploaded = await deps.connect.uploadFile(p.userId, { folderId: parent, name, content: renderHtml(run.report as QcReport), tmpDir: join(deps.dataDir, 'uploads', '.incoming') });
  return { ...uploaded, folderId: parent };
}
