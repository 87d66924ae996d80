/**
 * What the console can do, with its access rules, shared by the JSON API and the pages so both
 * answer alike. Members see only their clients; admins see every client, jobs and settings.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canSeeClient, type Principal } from '../auth/accounts.js';
import type { ClientConfig } from '../config/clients.js';
import {
  getDefaultProfileOverride,
  listDefaultProfileHistory,
  NoOverrideToRevertError,
  revertDefaultProfileOverride,
  setDefaultProfileOverride,
  type OverrideHistoryEntry,
} from '../db/client-settings.js';
import { getFolderHealth, type FolderHealth } from '../db/box-folder-health.js';
import type { Db } from '../db/database.js';
import type { JobStatus } from '../db/schema.js';
import { JobNotFoundError, JobNotRetryableError } from '../jobs/errors.js';
import type { Job, JobQueue } from '../jobs/queue.js';
import { localFileName } from '../pipeline/job.js';
import { profileAppliesTo, profileForKind } from '../pipeline/profile-choice.js';
import type { QcRuntime } from '../app/runtime.js';
import { newSessionId } from '../qc/session.js';
import { sniffFile } from '../qc/sniff.js';
import { adminsOnly, ConsoleError, noAccessToClient } from './errors.js';
import { getRun, insertUploadRun, listRuns, setRunJob, type RunDetail, type RunSummary } from './run-store.js';
import { uploadDedupeKey, uploadQcJob } from './upload-job.js';

export interface ConsoleServiceDeps {
  db: Db;
  queue: JobQueue;
  runtime: QcRuntime;
  /** Uploads are kept under `<dataDir>/uploads/<run id>/`. */
  dataDir: string;
  clock?: () => number;
}

export interface ClientView {
  id: string;
  name: string;
  profiles: string[];
  configuredDefault: string;
  /** The override in force (undefined: the configured default applies). */
  override: string | undefined;
  effectiveDefault: string;
  folders: Array<{ incomingFolderId: string; reportsFolderId: string; profile: string | undefined; health: FolderHealth | undefined }>;
  history: OverrideHistoryEntry[];
}

export type ConsoleService = ReturnType<typeof createConsoleService>;

export function createConsoleService(deps: ConsoleServiceDeps) {
  const { db, queue, runtime } = deps;
  const clock = deps.clock ?? Date.now;
  const requireAdmin = (p: Principal) => {
    if (p.role !== 'admin') throw adminsOnly();
  };
  const clientOr404 = (clientId: string): ClientConfig => {
    const client = runtime.clients.get(clientId);
    if (!client) throw new ConsoleError(404, 'client_not_found', `No client "${clientId}" in ${runtime.clients.file}.`);
    return client;
  };
  const visibleClients = (p: Principal): ClientConfig[] => runtime.clients.clients.filter((c) => canSeeClient(p, c.id));

  async function runFor(p: Principal, runId: string): Promise<RunDetail> {
    const run = await getRun(db.kysely, runId);
    if (!run) throw new ConsoleError(404, 'run_not_found', `No run ${runId}; list runs with GET /api/v1/runs.`);
    if (!canSeeClient(p, run.clientId)) throw noAccessToClient(run.clientId);
    return run;
  }

  async function clientView(p: Principal, clientId: string): Promise<ClientView> {
    const client = clientOr404(clientId);
    if (!canSeeClient(p, client.id)) throw noAccessToClient(client.id);
    const override = await getDefaultProfileOverride(db.kysely, client.id);
    const inForce = override && client.profiles.includes(override) ? override : undefined;
    return {
      id: client.id,
      name: client.name,
      profiles: client.profiles,
      configuredDefault: client.default_profile,
      override: inForce,
      effectiveDefault: inForce ?? client.default_profile,
      folders: await Promise.all(
        client.folders.map(async (f) => ({
          incomingFolderId: f.incoming_folder_id,
          reportsFolderId: f.reports_folder_id,
          profile: f.profile,
          health: await getFolderHealth(db.kysely, f.incoming_folder_id),
        })),
      ),
      history: await listDefaultProfileHistory(db.kysely, client.id),
    };
  }

  return {
    runtime,
    visibleClients,

    listRuns(p: Principal, filter: { client?: string; verdict?: string; limit: number; cursor?: number }): Promise<{ runs: RunSummary[]; nextCursor: number | null }> {
      if (filter.client && !canSeeClient(p, filter.client)) throw noAccessToClient(filter.client);
      return listRuns(db.kysely, {
        ...(p.role === 'admin' ? {} : { visibleClients: p.clients }),
        ...(filter.client ? { client: filter.client } : {}),
        ...(filter.verdict ? { verdict: filter.verdict } : {}),
        limit: filter.limit,
        ...(filter.cursor !== undefined ? { before: filter.cursor } : {}),
      });
    },

    runFor,

    /**
     * Accept an upload already streamed to `tempPath`: sniff it, choose the profile, keep it with
     * the run and queue the job (run row and job in one transaction).
     */
    async submitCheck(
      p: Principal,
      input: { tempPath: string; fileName: string; client?: string; profile?: string; source?: 'upload' | 'my_box'; boxFileId?: string },
    ): Promise<{ runId: string; profileId: string }> {
      const cleanup = () => rm(input.tempPath, { force: true });
      try {
        let clientId = input.client?.trim() || undefined;
        if (!clientId && p.role !== 'admin') {
          if (p.clients.length !== 1) throw new ConsoleError(422, 'client_required', `Choose a client: you are assigned to ${p.clients.join(', ') || 'none'}.`);
          clientId = p.clients[0]!;
        }
        const client = clientId ? runtime.clients.get(clientId) : undefined;
        if (clientId && !client) throw new ConsoleError(422, 'unknown_client', `No client "${clientId}"; GET /api/v1/clients lists the ones you can use.`);
        if (client && !canSeeClient(p, client.id)) throw noAccessToClient(client.id);
        const profileId = input.profile?.trim() || undefined;
        if (profileId && !runtime.profiles.has(profileId)) throw new ConsoleError(422, 'unknown_profile', `No profile "${profileId}"; GET /api/v1/profiles lists them.`);
        if (profileId && client && !client.profiles.includes(profileId)) {
          throw new ConsoleError(422, 'profile_not_for_client', `Profile "${profileId}" is not one of ${client.id}'s profiles (${client.profiles.join(', ')}).`);
        }
        const size = (await stat(input.tempPath)).size;
        const sniff = await sniffFile(input.tempPath, size);
        if (sniff.kind === 'unknown') throw new ConsoleError(422, 'unsupported_file', `${input.fileName}: ${sniff.reason ?? 'not an image, PDF, video or audio file'}.`);
        let chosen: string;
        if (profileId) chosen = profileId;
        else if (client) {
          const override = await getDefaultProfileOverride(db.kysely, client.id);
          const configured = override && client.profiles.includes(override) ? override : client.default_profile;
          chosen = profileForKind({ profileId: configured, source: 'client_default' }, sniff.kind, client, profileAppliesTo(runtime)).profileId;
        } else chosen = runtime.profiles.generalFor(sniff.kind).id;

        const runId = newSessionId(new Date(clock()));
        const dir = join(deps.dataDir, 'uploads', runId);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const path = join(dir, localFileName(input.fileName));
        await rename(input.tempPath, path);
        const now = clock();
        await db.kysely.transaction().execute(async (trx) => {
          await insertUploadRun(trx, { runId, clientId: client?.id ?? null, profileId: chosen, assetName: input.fileName, assetKind: sniff.kind, uploadPath: path, createdBy: p.userId, ...(input.source ? { source: input.source, boxFileId: input.boxFileId ?? null } : {}) }, now);
          const { job } = await queue.enqueue(uploadQcJob, { run_id: runId, path, name: input.fileName, client_id: client?.id ?? null, profile_id: chosen }, { dedupeKey: uploadDedupeKey(runId), trx });
          await setRunJob(trx, runId, job.id);
        });
        return { runId, profileId: chosen };
      } finally {
        await cleanup();
      }
    },

    listClients(p: Principal) {
      return Promise.all(visibleClients(p).map((c) => clientView(p, c.id)));
    },
    clientView,

    async setDefaultProfile(p: Principal, clientId: string, profileId: string): Promise<ClientView> {
      const client = clientOr404(clientId);
      if (!canSeeClient(p, client.id)) throw noAccessToClient(client.id);
      requireAdmin(p);
      if (!client.profiles.includes(profileId)) {
        throw new ConsoleError(422, 'profile_not_for_client', `Profile "${profileId}" is not one of ${client.id}'s profiles (${client.profiles.join(', ')}); add it in clients.yaml first.`);
      }
      await setDefaultProfileOverride(db.kysely, client.id, profileId, clock(), p.email);
      return clientView(p, client.id);
    },

    async revertDefaultProfile(p: Principal, clientId: string): Promise<ClientView> {
      const client = clientOr404(clientId);
      if (!canSeeClient(p, client.id)) throw noAccessToClient(client.id);
      requireAdmin(p);
      try {
        await revertDefaultProfileOverride(db.kysely, client.id, clock(), p.email);
      } catch (error) {
        if (error instanceof NoOverrideToRevertError) throw new ConsoleError(409, error.code, error.message);
        throw error;
      }
      return clientView(p, client.id);
    },

    async listJobs(p: Principal, filter: { status?: JobStatus; limit: number }): Promise<Job[]> {
      requireAdmin(p);
      return queue.list({ limit: filter.limit, ...(filter.status ? { status: filter.status } : {}) });
    },

    async retryJob(p: Principal, id: number): Promise<Job> {
      requireAdmin(p);
      try {
        return await queue.retry(id);
      } catch (error) {
        if (error instanceof JobNotFoundError) throw new ConsoleError(404, error.code, error.message);
        if (error instanceof JobNotRetryableError) throw new ConsoleError(409, error.code, error.message);
        throw error;
      }
    },

    listProfiles() {
      return runtime.profiles.ids().map((id) => {
        const profile = runtime.profiles.get(id);
        return {
          id,
          name: profile.name,
          description: profile.description ?? null,
          applies_to: profile.applies_to,
          source: runtime.profiles.source(id) ?? profile.source,
          checks: profile.checks.map((c) => ({ id: c.id, name: runtime.catalogue.get(c.id)?.name ?? c.id, severity: c.severity })),
        };
      });
    },
  };
}
