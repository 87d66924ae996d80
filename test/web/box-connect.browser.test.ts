// Per-user Box connect in a real browser (Chromium via playwright-core) against the served
// console and the Box emulator's own authorize page: sign in → My Box → Connect Box → pick the
// Box user and grant access → back connected → browse into a folder → QC a file as me → the run
// finishes and shows in history with source "my Box" → put the report next to the file →
// disconnect. Every console page is scanned with axe-core at 1280 and 390 px and must not
// scroll sideways; AIQC_SHOTS_DIR=… saves a screenshot of each.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../src/boxconnect/store.js';
import { startServedWorld, PASSWORD, type ServedWorld } from '../boxconnect/served-world.js';
import { makeImage } from '../helpers/images.js';
import { axeScan, launchChromium, seriousOrWorse } from './browser.js';

const SHOTS = process.env.AIQC_SHOTS_DIR;
const WIDTHS = [1280, 390] as const;

describe('My Box in Chromium', () => {
  let w: ServedWorld;
  let browser: Browser;
  let page: Page;
  let boxUserId: string;
  let folderId: string;
  const base = () => `${w.url}${w.basePath}`;

  async function inspect(name: string): Promise<void> {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `box-${name}-${width}.png`), fullPage: true });
      const violations = await axeScan(page);
      expect(seriousOrWorse(violations), `${name} at ${width}px: ${JSON.stringify(violations)}`).toEqual([]);
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(1);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  beforeAll(async () => {
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    w = await startServedWorld({ engine: 'sqlite' });
    const box = w.emulator.admin.createUser({ name: 'Ann Box', login: 'ann.box@example.com' });
    boxUserId = box.id;
    folderId = w.emulator.admin.createFolder({ name: 'Summer campaign', parentId: '0', ownerId: box.id }).id;
    const image = await makeImage(w.dir, 'Summer_Banner_1080.png', { format: 'png', width: 1080, height: 1080, icc: 'srgb' });
    w.emulator.admin.uploadAs({ userId: box.id, folderId, name: 'Summer_Banner_1080.png', content: await readFile(image) });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('signs in and connects Box through the authorize page', async () => {
    await page.goto(`${base()}/login`);
    await expect(page.getByRole('link', { name: 'Sign in with Box' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Email').fill(w.users.member.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base()}/`);
    await page.getByRole('link', { name: 'My Box' }).click();
    await page.waitForURL(`${base()}/box`);
    await inspect('not-connected');
    await page.getByRole('link', { name: 'Connect Box' }).click();
    await page.waitForURL(/\/api\/oauth2\/authorize\?/);
    expect(new URL(page.url()).origin).toBe(w.emulator.url);
    await page.getByLabel('Sign in as').selectOption(boxUserId);
    await page.getByRole('button', { name: 'Grant access to Box' }).click();
    await page.waitForURL(`${base()}/box`);
    await expect(page.getByText('Connected as Ann Box').isVisible()).resolves.toBe(true);
    await inspect('connected');
    const row = await findConnection(w.t.db.kysely, w.users.member.id);
    expect(row?.box_user_id).toBe(boxUserId);
  }, 60_000);

  it('browses into a folder and QCs a file as me; the run shows in history as "my Box"', async () => {
    await page.getByRole('link', { name: /Summer campaign/ }).click();
    await page.waitForURL(`${base()}/box?folder=${folderId}`);
    await inspect('folder');
    await page.getByRole('link', { name: 'Check Summer_Banner_1080.png' }).click();
    await page.getByLabel('Client').selectOption('acme');
    await inspect('check-form');
    await page.getByRole('button', { name: 'Run checks' }).click();
    await page.waitForURL(/\/runs\//);
    // The run page follows the run (SSE or reload) to its verdict.
    const runUrl = page.url();
    for (let i = 0; i < 120; i++) {
      if (await page.getByRole('status').count()) break;
      await page.waitForTimeout(500);
      await page.goto(runUrl);
    }
    await expect(page.getByRole('status').first().textContent()).resolves.toMatch(/pass|warn|fail/);
    await expect(page.getByText('my Box').first().isVisible()).resolves.toBe(true);
    await inspect('run');
    await page.goto(`${base()}/`);
    const historyRow = page.getByRole('row', { name: /Summer_Banner_1080\.png/ });
    await expect(historyRow.getByText('my Box').isVisible()).resolves.toBe(true);
    await inspect('history');
    const stored = await w.t.db.kysely.selectFrom('qc_runs').select(['source', 'box_file_id', 'created_by', 'status']).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ source: 'my_box', created_by: w.users.member.id, status: 'done' });
    expect(stored.box_file_id).toMatch(/^\d+$/);

    // Optional: the report back next to the file, as me.
    await page.goto(runUrl);
    await page.getByRole('button', { name: 'Upload the report next to the file in my Box' }).click();
    await page.waitForURL(/\/box\?folder=/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Summer_Banner_1080.qc-report.html');
    await expect(page.getByRole('cell', { name: 'Summer_Banner_1080.qc-report.html', exact: true }).isVisible()).resolves.toBe(true);
  }, 120_000);

  it('disconnects', async () => {
    await page.goto(`${base()}/box`);
    await page.getByRole('button', { name: 'Disconnect Box' }).click();
    await page.waitForURL(/notice=disconnected/);
    await expect(page.getByRole('link', { name: 'Connect Box' }).isVisible()).resolves.toBe(true);
    expect(await findConnection(w.t.db.kysely, w.users.member.id)).toBeUndefined();
  }, 30_000);
});
