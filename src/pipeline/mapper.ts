import type { Kysely } from 'kysely';
import type { ClientsConfig } from '../config/clients.js';
import { getDefaultProfileOverride } from '../db/client-settings.js';
import type { Database } from '../db/schema.js';
import type { AssetKind } from '../qc/types.js';
import {
  skipIgnored,
  skipNonQcExtension,
  skipUnknownFolder,
  type BoxFileUploadedEvent,
  type WebhookFileDecision,
  type WebhookFileMapper,
} from '../server/box-event.js';
import { boxQcFileJobFor, isReportName, PROCESSED_FOLDER_NAME } from './box-qc-file.js';
import { configuredProfile, profileForKind } from './profile-choice.js';
import { extensionOf, isQcFileName, kindFromName } from './qc-extensions.js';

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
    if (isReportName(event.fileName)) {
      return skipIgnored(`ignoring ${event.fileName}: an aiqc report, not an asset`, folder.incoming_folder_id);
    }
    if (!isQcFileName(event.fileName)) return skipNonQcExtension(extensionOf(event.fileName) || event.extension, folder.incoming_folder_id);

    const override = folder.profile ? undefined : await getDefaultProfileOverride(deps.db, client.id);
    // The job decides from the file's bytes; the dispatch line names the profile the name suggests.
    const profile = profileForKind(configuredProfile(client, folder, override), kindFromName(event.fileName), client, deps.appliesTo);
    const job = boxQcFileJobFor({ id: event.fileId, versionId: event.fileVersionId, name: event.fileName }, { incomingFolderId: folder.incoming_folder_id, clientId: client.id }, new Date(clock()));
    const sessionId = job.payload.session_id;
    return {
      action: 'enqueue',
      ...job,
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
  if (isReportName(event.fileName)) {
    return skipIgnored(`ignoring ${event.fileName}: an aiqc report, not an asset`, watchedAncestor?.id);
  }
  return undefined;
}
