// The console in a real browser (Chromium via playwright-core) against `startPipeline` serving
// the webhook and the console on one port, with the real worker and QC engine: sign in with the
// keyboard, upload and watch the checks run to a verdict, open the report, override and revert a
// default profile, retry a dead job, a member refused another client's run (UI and API), and an
// axe-core scan of every page at 1280 and 390 px. AIQC_SHOTS_DIR=… saves a screenshot of each.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, PASSWORD, startConsoleWorld, type ConsoleWorld } from '../server/api/console-world.js';
import { axeScan, launchChromium, seriousOrWorse, type AxeViolation } from './browser.js';

const SHOTS = process.env.AIQC_SHOTS_DIR;
const WIDTHS = [1280, 390] as const;
const axeResults: Record<string, AxeViolation[]> = {};

describe('web console in Chromium', () => {
  let w: ConsoleWorld;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let runId: string;
  const base = () => `${w.url}${w.basePath}`;

  /** axe at both widths (no serious or critical issue), and a screenshot of each when asked. */
  async function inspect(name: string): Promise<void> {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      const violations = await axeScan(page);
      axeResults[`${name} @${width}`] = violations;
      expect(seriousOrWorse(violations), `${name} at ${width}px: ${JSON.stringify(violations)}`).toEqual([]);
      // Nothing wider than the window (no sideways scrolling of the page itself).
      // Evaluated as page source: the test program has no DOM types.
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      const widest = String(
        await page.evaluate(
          "[...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')).join(', ')",
        ),
      );
      expect(overflow, `${name} at ${width}px scrolls sideways: ${widest}`).toBeLessThanOrEqual(1);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function signIn(context: BrowserContext, email: string): Promise<Page> {
    const p = await context.newPage();
    await p.goto(`${base()}/login`);
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${base()}/`);
    return p;
  }

  beforeAll(async () => {
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    w = await startConsoleWorld({ engine: 'sqlite', basePath: '/ai_qc' });
    browser = await launchChromium();
    admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await admin.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
    if (SHOTS) await writeFile(join(SHOTS, 'axe.json'), `${JSON.stringify(axeResults, null, 2)}\n`);
  });

  it('signs in with the keyboard alone', async () => {
    await page.goto(`${base()}/`);
    await page.waitForURL(/\/login\?next=/);
    await inspect('login');
    for (let i = 0; i < 10 && String(await page.evaluate('document.activeElement && document.activeElement.id')) !== 'email'; i++) await page.keyboard.press('Tab');
    await page.keyboard.type(ACCOUNTS.admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base()}/`);
    await expect(page.getByRole('heading', { name: 'Runs' }).isVisible()).resolves.toBe(true);
  });

  it('uploads a file, shows i/N progress and the verdict in a status element, then opens the report', async () => {
    await page.goto(`${base()}/check`);
    await page.getByLabel('File', { exact: true }).setInputFiles(w.imagePath);
    await page.getByLabel('Client', { exact: true }).selectOption('acme');
    await page.getByLabel('Profile', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Run checks' }).click();
    const status = page.getByRole('status');
    await expect(status.filter({ hasText: /^(pass|warn|fail|error)$/ }).waitFor({ timeout: 30_000 })).resolves.toBeUndefined();
    const verdict = (await status.textContent())!.trim();
    expect(['pass', 'warn']).toContain(verdict);
    expect(await page.locator('#check-live').textContent()).toMatch(/Finished: score \d+/);
    await inspect('check');

    const reportHref = await page.getByRole('link', { name: 'Open the report' }).getAttribute('href');
    runId = decodeURIComponent(/runs\/([^/]+)\/report\.html$/.exec(reportHref!)![1]!);
    const report = await page.context().newPage();
    const response = await report.goto(`${w.url}${reportHref}`);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await report.content()).toContain('Summer_Banner_1080.png');
    await report.close();

    await page.getByRole('link', { name: 'Open the run' }).click();
    await page.waitForURL(`${base()}/runs/${encodeURIComponent(runId)}`);
    expect((await page.getByRole('status').textContent())!.trim()).toBe(verdict);
    await expect(page.frameLocator('iframe.report').getByText('Summer_Banner_1080.png').first().waitFor()).resolves.toBeUndefined();
    await inspect('run');

    await page.goto(`${base()}/`);
    expect(await page.locator('#runs-body').textContent()).toContain('Summer_Banner_1080.png');
    await inspect('runs');
  });

  it('overrides a client\'s default profile and reverts it, showing who and when', async () => {
    await page.goto(`${base()}/clients`);
    await inspect('clients');
    await page.getByRole('link', { name: 'Acme Drinks' }).click();
    await page.getByLabel('Profile', { exact: true }).selectOption('meta_feed_image');
    await page.getByRole('button', { name: 'Override' }).click();
    await page.waitForURL(/done=/);
    expect(await page.locator('#effective-default').textContent()).toBe('meta_feed_image');
    expect(await page.getByRole('table').first().textContent()).toContain(ACCOUNTS.admin.email);
    await inspect('client');
    await page.getByRole('button', { name: 'Revert to default' }).click();
    await page.waitForURL(/Reverted/);
    expect(await page.locator('#effective-default').textContent()).toBe('static_general');
    expect(await page.getByRole('button', { name: 'Revert to default' }).isDisabled()).toBe(true);
  });

  it('retries a dead job from /jobs', async () => {
    const jobId = await w.deadJob();
    await page.goto(`${base()}/jobs?status=dead`);
    expect(await page.locator('main').textContent()).toContain('Box is not configured');
    await inspect('jobs');
    await page.getByRole('button', { name: `Retry job ${jobId}` }).click();
    await page.waitForURL(/done=/);
    expect(await page.getByRole('status').textContent()).toBe(`Job ${jobId} is queued again.`);
  });

  it('lists the profile catalogue', async () => {
    await page.goto(`${base()}/profiles`);
    expect(await page.locator('main').textContent()).toContain('static_general');
    await inspect('profiles');
  });

  it('refuses a member another client\'s run, on the page and in the API', async () => {
    const member = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await signIn(member, ACCOUNTS.globex.email);
    expect(await p.locator('#runs-body').textContent()).not.toContain('Summer_Banner_1080.png');
    const pageResponse = await p.goto(`${base()}/runs/${encodeURIComponent(runId)}`);
    expect(pageResponse!.status()).toBe(403);
    expect(await p.getByRole('alert').textContent()).toContain('not assigned to client "acme"');
    const api = await p.evaluate(async (url) => {
      const r = await fetch(url, { credentials: 'same-origin' });
      return { status: r.status, body: (await r.json()) as unknown };
    }, `${base()}/api/v1/runs/${encodeURIComponent(runId)}`);
    expect(api).toEqual({ status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('acme') } } });
    await member.close();
  });
});
