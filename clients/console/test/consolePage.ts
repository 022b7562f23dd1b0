import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, refuseOffsite } from '@jarvis/testkit';
import type { Page } from 'playwright-core';

/** Where each test leaves a screenshot of its view (git-ignored), to look at after a failure. */
export const SCREENSHOTS = path.join(import.meta.dirname, 'screenshots');

export interface ConsoleBrowser extends AsyncDisposable {
  page: Page;
  /** Requests that left the console's origin (and were refused): a CDN would show up here. */
  offsite: string[];
  screenshot(name: string): Promise<void>;
}

/**
 * Headless Chromium on the console at `origin`, with every request to any other origin
 * refused, as on a machine with no internet; `allow` names origins a test opens on purpose
 * (the OIDC provider's sign-in pages).
 */
export async function openConsole(origin: string, allow: string[] = []): Promise<ConsoleBrowser> {
  const chromium = await launchChromium();
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  // Playwright waits forever by default; a view that never appears should fail saying what it waited for.
  page.setDefaultTimeout(30_000);
  const offsite = await refuseOffsite(page, [origin, ...allow]);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    page,
    offsite,
    async screenshot(name) {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async [Symbol.asyncDispose]() {
      await chromium.close();
      if (errors.length) throw new Error(`the console threw in the browser: ${errors.join('; ')}`);
    },
  };
}
