// A Box folder listing pages past Box's 1,000-item page (marker paging, as Box asks for deep
// folders) and says when it stops: a client's INCOMING/_PROCESSED archive holds thousands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPages, type BoxFolderListing } from '../../src/boxconnect/service.js';
import { authorizeAt, Jar, startServedWorld, type ServedWorld } from './served-world.js';

describe('collectPages (pure)', () => {
  const pages = (total: number, size: number) => async (marker: string | undefined) => {
    const start = marker ? Number(marker) : 0;
    const entries = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
    return { entries, nextMarker: start + size < total ? String(start + size) : undefined };
  };

  it('reads every page until Box gives no next marker', async () => {
    expect(await collectPages(pages(2345, 1000), 5000)).toEqual({ entries: Array.from({ length: 2345 }, (_, i) => i), truncated: false });
    expect(await collectPages(pages(0, 1000), 5000)).toEqual({ entries: [], truncated: false });
  });

  it('stops at the limit and says there were more', async () => {
    const { entries, truncated } = await collectPages(pages(12_000, 1000), 5000);
    expect(entries).toHaveLength(5000);
    expect(entries.at(-1)).toBe(4999);
    expect(truncated).toBe(true);
    // Exactly the limit, nothing more at Box: not truncated.
    expect((await collectPages(pages(5000, 1000), 5000)).truncated).toBe(false);
  });
});

describe('My Box lists a folder of 2,345 files through the emulator', () => {
  let w: ServedWorld;
  beforeAll(async () => {
    w = await startServedWorld({ engine: 'sqlite' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('every item, over three Box pages, in the API and on the page', async () => {
    const jar = new Jar(await w.signIn(w.users.member.email));
    const box = w.emulator.admin.createUser({ name: 'Archive Box', login: 'archive@example.com' });
    expect((await jar.fetch(await authorizeAt(w, jar, box.id))).status).toBe(200);
    const folder = w.emulator.admin.createFolder({ name: '_PROCESSED', ownerId: box.id });
    for (let i = 0; i < 2345; i++) w.emulator.admin.uploadAs({ userId: box.id, folderId: folder.id, name: `asset_${String(i).padStart(4, '0')}.png`, content: 'x' });

    const answer = await jar.fetch(`${w.url}${w.basePath}/api/box/test_folder?folder_id=${folder.id}`);
    expect(answer.status).toBe(200);
    const listing = (await answer.json()) as BoxFolderListing;
    expect(listing.truncated).toBe(false);
    expect(listing.items).toHaveLength(2345);
    expect(new Set(listing.items.map((i) => i.name)).size).toBe(2345);
    expect(listing.items.map((i) => i.name)).toContain('asset_2344.png');

    const page = await (await jar.fetch(`${w.url}${w.basePath}/box?folder=${folder.id}`)).text();
    expect(page).toContain('asset_2344.png');
    expect(page).not.toContain('are listed, in Box');
  });
});
