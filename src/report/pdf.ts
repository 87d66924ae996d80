/**
 * The PDF rendition (DESIGN §11): headless Chromium prints the same HTML the report already is,
 * so the PDF matches the HTML exactly (fonts, SVG charts, print CSS) and there is one layout
 * to maintain. Chromium is found at AIQC_CHROMIUM_PATH or on PATH (chromium, chromium-browser,
 * google-chrome); without it the caller writes HTML only and says so (`aiqc box doctor`).
 * playwright-core drives it over the DevTools protocol: no browser download, no script in the
 * page (the report's CSP forbids it; printing needs none).
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Browser } from 'playwright-core';

export type PaperSize = 'A4' | 'Letter';

/** The flags the deployment runs Chromium with: no sandbox (containers), no GPU, no network chatter. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** AIQC_CHROMIUM_PATH if set (it must exist), else the first Chromium on PATH; undefined when none. */
export async function findChromium(env: Record<string, string | undefined>): Promise<{ path?: string; problem?: string }> {
  const configured = env['AIQC_CHROMIUM_PATH']?.trim();
  if (configured) {
    return (await executable(configured))
      ? { path: configured }
      : { problem: `AIQC_CHROMIUM_PATH=${configured} is not an executable file: install Chromium (apt-get install chromium) or correct the path` };
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const name of CHROMIUM_NAMES) {
      const candidate = join(dir, name);
      if (await executable(candidate)) return { path: candidate };
    }
  }
  return { problem: 'no Chromium found on PATH: install it (apt-get install chromium) or set AIQC_CHROMIUM_PATH; reports are written as HTML only until then' };
}

export interface ReportPdfRenderer {
  readonly chromiumPath: string;
  /** The report HTML printed to PDF on `paper`. */
  render(html: string, options?: { paper?: PaperSize; signal?: AbortSignal }): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * A renderer that starts Chromium on first use and keeps it for the next report (starting it
 * costs more than printing a page); each report gets its own context, closed after printing.
 * A crashed browser is started again on the next render.
 */
export function createReportPdfRenderer(chromiumPath: string, opts: { timeoutMs?: number } = {}): ReportPdfRenderer {
  let browser: Promise<Browser> | undefined;
  const timeout = opts.timeoutMs ?? 60_000;
  const launch = async (): Promise<Browser> => {
    const { chromium } = await import('playwright-core');
    const b = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout });
    b.on('disconnected', () => (browser = undefined));
    return b;
  };
  return {
    chromiumPath,
    async render(html, options = {}) {
      browser ??= launch().catch((err: unknown) => {
        browser = undefined;
        throw err;
      });
      const b = await browser;
      // No script runs, no request leaves: the page is the report and nothing else.
      const context = await b.newContext({ javaScriptEnabled: false, offline: true });
      const abort = () => void context.close().catch(() => {});
      options.signal?.addEventListener('abort', abort, { once: true });
      try {
        const page = await context.newPage();
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load', timeout });
        await page.emulateMedia({ media: 'print' });
        return await page.pdf({ format: options.paper ?? 'A4', printBackground: true, preferCSSPageSize: false, margin: { top: '0', bottom: '0', left: '0', right: '0' } });
      } finally {
        options.signal?.removeEventListener('abort', abort);
        await context.close().catch(() => {});
      }
    },
    async close() {
      const b = await browser?.catch(() => undefined);
      browser = undefined;
      await b?.close().catch(() => {});
    },
  };
}

/** The renderer for this environment, or why there is none (the caller falls back to HTML only). */
export async function reportPdfRendererFromEnv(env: Record<string, string | undefined>): Promise<{ renderer?: ReportPdfRenderer; problem?: string }> {
  const found = await findChromium(env);
  return found.path ? { renderer: createReportPdfRenderer(found.path) } : { problem: found.problem! };
}
