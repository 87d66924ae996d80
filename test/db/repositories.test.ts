import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  clearWebhookDeleted,
  getFolderHealth,
  listFolderHealth,
  recordFolderDelivery,
  recordMissedWebhooks,
  recordWebhookDeleted,
} from '../../src/db/box-folder-health.js';
import {
  NoOverrideToRevertError,
  getDefaultProfileOverride,
  listDefaultProfileHistory,
  revertDefaultProfileOverride,
  setDefaultProfileOverride,
} from '../../src/db/client-settings.js';
import { getQcRun, listQcRuns, qcRunFromReport, saveQcRun } from '../../src/db/qc-runs.js';
import { countDeliveries, getDeliveryByPayloadId, insertDeliveryOnce, pruneDeliveries, setDeliveryOutcome } from '../../src/db/webhook-deliveries.js';
import { ENGINES, createTestDatabase, type TestDatabase } from './test-databases.js';

const report = {
  schema_version: 1,
  tool: { name: 'aiqc', version: '0.1.0' },
  session_id: '20261123T062753Z-4f2a',
  asset: { name: 'loud.mp4', size_bytes: 6394274, sha256: 'ab'.repeat(32), kind: 'video', format: 'mp4', info: {} },
  profile: { id: 'video_general', name: 'Video (general)' },
  score: 72,
  verdict: 'fail',
  checks: [{ id: 'audio.loudness', status: 'fail', message: 'ünïcødé — "quotes" \\ and \u2028' }],
};

describe.each(ENGINES)('repositories on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  beforeEach(async () => {
    for (const table of ['qc_runs', 'webhook_deliveries', 'box_folder_health', 'client_settings']) {
      await sql`delete from ${sql.table(table)}`.execute(t.db.kysely);
    }
  });

  describe('qc runs', () => {
    it('stores a report and returns it intact; saving the same session again changes nothing', async () => {
      const input = qcRunFromReport(report, { jobId: 7, clientId: 'diageo' });
      expect(input).toMatchObject({ sessionId: report.session_id, assetName: 'loud.mp4', assetKind: 'video', profileId: 'video_general', score: 72, verdict: 'fail' });
      const saved = await saveQcRun(t.db.kysely, input!, 1_000);
      const again = await saveQcRun(t.db.kysely, { ...input!, score: 10 }, 2_000);
      expect(again).toEqual(saved);
      expect(saved).toMatchObject({ jobId: 7, clientId: 'diageo', createdAt: 1_000, report });
      expect(await getQcRun(t.db.kysely, report.session_id)).toEqual(saved);
      expect(await listQcRuns(t.db.kysely, { jobId: 7 })).toEqual([saved]);
      expect(await listQcRuns(t.db.kysely, { jobId: 8 })).toEqual([]);
    });

    it('refuses to derive a run from something that is not a report', () => {
      expect(qcRunFromReport({ session_id: 's' })).toBeUndefined();
      expect(qcRunFromReport(null)).toBeUndefined();
    });
  });

  describe('webhook deliveries', () => {
    it('records a payload id once and updates its outcome', async () => {
      const base = { payloadId: 'evt-1', deliveryId: 'd-1', trigger: 'FILE.UPLOADED', receivedAt: 5, outcome: 'ignored_trigger' as const };
      const id = await insertDeliveryOnce(t.db.kysely, base);
      expect(id).toEqual(expect.any(Number));
      expect(await insertDeliveryOnce(t.db.kysely, { ...base, deliveryId: 'd-2' })).toBeUndefined();
      await setDeliveryOutcome(t.db.kysely, id!, { outcome: 'enqueued', jobId: 3 });
      expect(await getDeliveryByPayloadId(t.db.kysely, 'evt-1')).toMatchObject({ deliveryId: 'd-1', outcome: 'enqueued', jobId: 3 });
      expect(await countDeliveries(t.db.kysely)).toBe(1);
    });

    it('prunes records older than a cutoff', async () => {
      for (const [payloadId, receivedAt] of [['old', 10], ['new', 20]] as const) {
        await insertDeliveryOnce(t.db.kysely, { payloadId, trigger: 'FILE.UPLOADED', receivedAt, outcome: 'enqueued' });
      }
      expect(await pruneDeliveries(t.db.kysely, 15)).toBe(1);
      expect(await getDeliveryByPayloadId(t.db.kysely, 'old')).toBeUndefined();
      expect(await getDeliveryByPayloadId(t.db.kysely, 'new')).toBeDefined();
    });
  });

  describe('folder health', () => {
    it('keeps the latest delivery, counts missed webhooks and shows deleted webhooks until cleared', async () => {
      await recordFolderDelivery(t.db.kysely, '1234', 2_000);
      await recordFolderDelivery(t.db.kysely, '1234', 1_000);
      await recordMissedWebhooks(t.db.kysely, '1234', 3_000);
      await recordMissedWebhooks(t.db.kysely, '1234', 4_000, 2);
      await recordMissedWebhooks(t.db.kysely, '5555', 4_500);
      await recordWebhookDeleted(t.db.kysely, '1234', 'wh-9', 5_000);
      expect(await getFolderHealth(t.db.kysely, '1234')).toEqual({
        folderId: '1234',
        lastDeliveryAt: 2_000,
        missedCount: 3,
        lastMissedAt: 4_000,
        webhookDeletedAt: 5_000,
        deletedWebhookId: 'wh-9',
      });
      await clearWebhookDeleted(t.db.kysely, '1234');
      expect(await getFolderHealth(t.db.kysely, '1234')).toMatchObject({ webhookDeletedAt: null, deletedWebhookId: null });
      expect((await listFolderHealth(t.db.kysely)).map((f) => [f.folderId, f.missedCount, f.lastDeliveryAt])).toEqual([
        ['1234', 3, 2_000],
        ['5555', 1, null],
      ]);
    });
  });

  describe('client default-profile overrides', () => {
    it('set pushes, revert restores the previous value, and reverting past the first override fails', async () => {
      expect(await getDefaultProfileOverride(t.db.kysely, 'diageo')).toBeUndefined();
      expect(await setDefaultProfileOverride(t.db.kysely, 'diageo', 'diageo_social', 1)).toEqual({ clientId: 'diageo', previous: undefined, current: 'diageo_social' });
      expect(await setDefaultProfileOverride(t.db.kysely, 'diageo', 'video_general', 2)).toEqual({ clientId: 'diageo', previous: 'diageo_social', current: 'video_general' });
      await setDefaultProfileOverride(t.db.kysely, 'other', 'static_general', 3);
      expect(await getDefaultProfileOverride(t.db.kysely, 'diageo')).toBe('video_general');
      expect(await revertDefaultProfileOverride(t.db.kysely, 'diageo', 4)).toEqual({ clientId: 'diageo', previous: 'video_general', current: 'diageo_social' });
      expect(await getDefaultProfileOverride(t.db.kysely, 'diageo')).toBe('diageo_social');
      expect(await revertDefaultProfileOverride(t.db.kysely, 'diageo', 5)).toEqual({ clientId: 'diageo', previous: 'diageo_social', current: undefined });
      await expect(revertDefaultProfileOverride(t.db.kysely, 'diageo', 6)).rejects.toBeInstanceOf(NoOverrideToRevertError);
      expect(await getDefaultProfileOverride(t.db.kysely, 'other')).toBe('static_general');
      expect(await listDefaultProfileHistory(t.db.kysely, 'diageo')).toEqual([
        { profileId: 'diageo_social', setAt: 1, revertedAt: 5, setBy: null, revertedBy: null },
        { profileId: 'video_general', setAt: 2, revertedAt: 4, setBy: null, revertedBy: null },
      ]);
    });
  });
});
