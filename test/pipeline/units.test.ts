// The pipeline's pure parts: names it gives Box, local file names, profile choice, settings, and
// the webhook mapping's decisions (without HTTP; the end-to-end tests cover the wiring).
import { describe, expect, it } from 'vitest';
import { makeClientsConfig, type ClientConfig } from '../../src/config/clients.js';
import { boxQcFileDedupeKey, boxQcFileJobFor, processedNameFor, reportNameFor } from '../../src/pipeline/box-qc-file.js';
import { localFileName } from '../../src/pipeline/job.js';
import { configuredProfile, profileForKind } from '../../src/pipeline/profile-choice.js';
import { isQcFileName, kindFromName } from '../../src/pipeline/qc-extensions.js';
import { createTestDatabase } from '../db/test-databases.js';
import { createWebhookFileMapper } from '../../src/pipeline/mapper.js';
import { setDefaultProfileOverride } from '../../src/db/client-settings.js';
import type { BoxFileUploadedEvent } from '../../src/server/box-event.js';

const client: ClientConfig = {
  id: 'acme',
  name: 'Acme',
  profiles: ['meta_feed_image', 'static_general', 'video_general', 'file_basic'],
  default_profile: 'static_general',
  folders: [{ incoming_folder_id: '10', reports_folder_id: '20' }, { incoming_folder_id: '11', reports_folder_id: '21', profile: 'meta_feed_image' }],
};
const appliesTo = (id: string) => (id === 'video_general' ? (['video'] as const) : id === 'file_basic' ? (['image', 'video', 'pdf', 'audio'] as const) : (['image'] as const));

describe('the Box job\'s identity', () => {
  it('one factory builds the payload and its dedupe key, whoever enqueues (webhook or sweeper)', () => {
    const job = boxQcFileJobFor({ id: 'f1', versionId: 'v1', name: 'key.png' }, { incomingFolderId: '10', clientId: 'acme' }, new Date('2026-11-23T06:27:53Z'));
    expect(job).toEqual({
      kind: 'box.qc_file',
      payload: { file_id: 'f1', file_version_id: 'v1', file_name: 'key.png', folder_id: '10', client_id: 'acme', session_id: expect.stringMatching(/^20261123T062753Z-[0-9a-f]+$/) },
      dedupeKey: 'box-file:f1:v1',
    });
    // A new version is a new job; the same version is the same job, whatever its session.
    expect(boxQcFileDedupeKey({ file_id: 'f1', file_version_id: 'v2' })).not.toBe(job.dedupeKey);
    expect(boxQcFileDedupeKey(job.payload)).toBe(job.dedupeKey);
    expect(() => boxQcFileJobFor({ id: '', versionId: 'v1', name: 'k.png' }, { incomingFolderId: '10', clientId: 'acme' }, new Date())).toThrow();
  });
});

describe('names', () => {
  it('report and archive names carry the session and stay within Box\'s 255 characters', () => {
    expect(reportNameFor('20261123T062753Z-4f2a', 'spot.mp4')).toBe('QC_Report_20261123T062753Z-4f2a_spot.mp4.html');
    expect(processedNameFor('20261123T062753Z-4f2a', 'spot.mp4')).toBe('20261123T062753Z-4f2a_spot.mp4');
    const long = `${'x'.repeat(300)}.mp4`;
    expect(reportNameFor('20261123T062753Z-4f2a', long)).toHaveLength(255);
    expect(reportNameFor('20261123T062753Z-4f2a', long)).toMatch(/…\.mp4\.html$/);
    expect(processedNameFor('20261123T062753Z-4f2a', long)).toMatch(/^20261123T062753Z-4f2a_x+….mp4$/);
  });

  it('local names cannot escape the temp folder or carry shell metacharacters', () => {
    expect(localFileName('../../etc/passwd')).toBe('passwd');
    expect(localFileName('..')).toBe('asset');
    expect(localFileName('spring/summer key visual $(rm -rf).PNG')).toBe('summer_key_visual_rm_-rf_.PNG');
    expect(localFileName('.hidden.jpg')).toBe('hidden.jpg');
  });

  it('QC extensions are the image, PDF, video and audio ones', () => {
    expect(['a.JPG', 'b.pdf', 'c.mov', 'd.wav', 'e.tiff'].map(isQcFileName)).toEqual([true, true, true, true, true]);
    expect(['a.docx', 'b', 'c.txt', '.pdf'].map(isQcFileName)).toEqual([false, false, false, false]);
    expect(kindFromName('spot.MP4')).toBe('video');
  });
});

describe('profile choice', () => {
  it('folder profile, else a still-valid override, else the default; a profile for the wrong kind falls back', () => {
    expect(configuredProfile(client, client.folders[1]!, 'file_basic')).toEqual({ profileId: 'meta_feed_image', source: 'folder' });
    expect(configuredProfile(client, client.folders[0]!, 'file_basic')).toEqual({ profileId: 'file_basic', source: 'override' });
    expect(configuredProfile(client, client.folders[0]!, 'removed_profile')).toEqual({ profileId: 'static_general', source: 'client_default' });
    const choice = configuredProfile(client, client.folders[0]!, undefined);
    expect(profileForKind(choice, 'image', client, appliesTo)).toEqual(choice);
    expect(profileForKind(choice, 'video', client, appliesTo)).toEqual({ profileId: 'video_general', source: 'kind_fallback' });
    expect(profileForKind(choice, 'unknown', client, appliesTo)).toEqual(choice);
  });
});

describe('webhook mapping', () => {
  const event = (over: Partial<BoxFileUploadedEvent>): BoxFileUploadedEvent => ({
    eventId: 'e1',
    webhookId: 'w1',
    fileId: 'f1',
    fileVersionId: 'v1',
    fileName: 'spot.mp4',
    extension: '.mp4',
    parentFolderId: '10',
    parentFolderName: 'INCOMING',
    pathCollection: [{ id: '0', name: 'All Files' }, { id: '10', name: 'INCOMING' }],
    raw: { id: 'e1', trigger: 'FILE.UPLOADED' },
    ...over,
  });

  it('enqueues with the override in force, and ignores aiqc\'s own uploads and moves', async () => {
    const t = await createTestDatabase('sqlite');
    try {
      const mapper = createWebhookFileMapper({ clients: makeClientsConfig('clients.yaml', [client]), db: t.db.kysely, appliesTo, clock: () => Date.parse('2026-11-23T06:27:53Z') });
      await setDefaultProfileOverride(t.db.kysely, 'acme', 'file_basic');
      const enqueue = await mapper(event({ fileName: 'key.png', extension: '.png' }));
      expect(enqueue).toMatchObject({
        action: 'enqueue',
        kind: 'box.qc_file',
        dedupeKey: 'box-file:f1:v1',
        folderId: '10',
        payload: { file_id: 'f1', file_version_id: 'v1', file_name: 'key.png', folder_id: '10', client_id: 'acme', session_id: expect.stringMatching(/^20261123T062753Z-[0-9a-f]{4}$/) },
        message: expect.stringMatching(/^Box webhook: dispatching session=20261123T062753Z-[0-9a-f]{4} client=acme profile=file_basic file_id=f1$/),
      });
      expect(await mapper(event({ parentFolderId: '20', parentFolderName: 'REPORTS', fileName: 'QC_Report_x_key.png.html' }))).toMatchObject({ action: 'skip', outcome: 'ignored', folderId: '10' });
      expect(
        await mapper(event({ parentFolderId: '99', parentFolderName: '_PROCESSED', pathCollection: [{ id: '0', name: 'All Files' }, { id: '10', name: 'INCOMING' }, { id: '99', name: '_PROCESSED' }] })),
      ).toMatchObject({ action: 'skip', outcome: 'ignored', folderId: '10' });
      expect(await mapper(event({ fileName: 'QC_Report_20261123T062753Z-4f2a_a.png.html', extension: '.html' }))).toMatchObject({ outcome: 'ignored' });
      // A folder named _PROCESSED somewhere aiqc does not watch is just an unknown folder.
      expect(await mapper(event({ parentFolderId: '77', parentFolderName: '_PROCESSED', pathCollection: [{ id: '0', name: 'All Files' }] }))).toMatchObject({ outcome: 'unknown_folder' });
      expect(await mapper(event({ fileName: 'brief.docx', extension: '.docx' }))).toMatchObject({ outcome: 'non_qc_extension', message: 'skipping non-QC extension .docx' });
    } finally {
      await t.cleanup();
    }
  });
});
