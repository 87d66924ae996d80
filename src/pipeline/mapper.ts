import type { Kysely } from 'kysely';
import type { ClientsConfig } from '../config/clients.js';
import { getDefaultProfileOverride } from '../db/client-settings.js';
import type { Database } from '../db/schema.js';
import type { AssetKind } from '../qc/types.js';
import { newSessionId } from '../qc/session.js';
import {
  boxFileDedupeKey,
  skipIgnored,
  skipNonQcExtension,
  skipUnknownFolder,
  type BoxFileUploadedEvent,
  type WebhookFileDecision,
  type WebhookFileMapper,
} from '../server/box-event.js';
import { BOX_QC_FILE_JOB, type BoxQcFilePayload } from './job-definition.js';
import { configuredProfile, profileForKind } from './profile-choice.js';
import { extensionOf, isQcFileName, kindFromName } from './qc-extensions.js';

export const PROCESSED_FOLDER_NAME = '_PROCESSED';
export const REPORT_PREFIX = 'QC_Report_';

export interface MapperDeps {
  clients: ClientsConfig;
  db: Kysely<Database>;
  /** The kinds a profile was written for (`runtime.profiles.get(id).applies_to`). */
  appliesTo: (profileId: string) => readonly AssetKind[];
  clock?: () => number;
}

/**
 * The webhook's folder → client → profile mapping (DESIGN §6). Box webhooks cascade to
 * sub-folders and fire FILE.UPLOADED for moves, so aiqc's own report uploads and the move of a
 * source into `_PROCESSED` come back here; they are recognised and ignored, never re-checked.
 */
export function createWebhookFileMapper(deps: MapperDeps): WebhookFileMapper {
  const reportsFolders = new Map<string, string>();
  for (const client of deps.clients.clients) for (const f of client.folders) reportsFolders.set(f.reports_folder_id, f.incoming_folder_id);
  const clock = deps.clock ?? Date.now;

  return async (event: BoxFileUploadedEvent): Promise<WebhookFileDecision> => {
    const mapping = deps.clients.byIncomingFolder(event.parentFolderId);
    if (!mapping) {
      const echo = ownEcho(event, deps.clients, reportsFolders);
      return echo ?? skipUnknownFolder(event.parentFolderId);
    }
    const { client, folder } = mapping;
    if (event.fileName.startsWith(REPORT_PREFIX)) {
      return skipIgnored(`ignoring ${event.fileName}: an aiqc report, not an asset`, folder.incoming_folder_id);
    }
    if (!isQcFileName(event.fileName)) return skipNonQcExtension(extensionOf(event.fileName) || event.extension, folder.incoming_folder_id);

    const override = folder.profile ? undefined : await getDefaultProfileOverride(deps.db, client.id);
    // The job decides from the file's bytes; the dispatch line names the profile the name suggests.
    const profile = profileForKind(configuredProfile(client, folder, override), kindFromName(event.fileName), client, deps.appliesTo);
    const sessionId = newSessionId(new Date(clock()));
    const payload: BoxQcFilePayload = {
      file_id: event.fileId,
      file_version_id: event.fileVersionId,
      file_name: event.fileName,
      folder_id: folder.incoming_folder_id,
      client_id: client.id,
      session_id: sessionId,
    };
    return {
      action: 'enqueue',
      kind: BOX_QC_FILE_JOB,
      payload,
      dedupeKey: boxFileDedupeKey(event.fileId, event.fileVersionId),
      folderId: folder.incoming_folder_id,
      message: `Box webhook: dispatching session=${sessionId} client=${client.id} profile=${profile.profileId} file_id=${event.fileId}`,
      logFields: { session_id: sessionId, client_id: client.id, profile_id: profile.profileId, profile_source: profile.source },
    };
  };
}

/** A FILE.UPLOADED that aiqc caused: a report landing in REPORTS, or a source moved to _PROCESSED. */
function ownEcho(event: BoxFileUploadedEvent, clients: ClientsConfig, reportsFolders: ReadonlyMap<string, string>): WebhookFileDecision | undefined {
  const reportsOf = reportsFolders.get(event.parentFolderId);
  if (reportsOf !== undefined) return skipIgnored(`ignoring ${event.fileName} in REPORTS folder ${event.parentFolderId}: aiqc's own report upload`, reportsOf);
  const watchedAncestor = event.pathCollection.find((entry) => clients.byIncomingFolder(entry.id));
  if (event.parentFolderName === PROCESSED_FOLDER_NAME && watchedAncestor) {
    return skipIgnored(`ignoring ${event.fileName} in ${PROCESSED_FOLDER_NAME}: a source aiqc already checked and moved`, watchedAncestor.id);
  }
  if (event.fileName.startsWith(REPORT_PREFIX)) {
    return skipIgnored(`ignoring ${event.fileName}: an aiqc report, not an asset`, watchedAncestor?.id);
  }
  return undefined;
}
