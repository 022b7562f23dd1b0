import { type Browser, chromium } from 'playwright-core';
import { systemBinary } from './engineBinaries.ts';

export interface ChromiumBrowser extends AsyncDisposable {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Debian's Chromium driven by playwright-core (no browser download). The flags keep it off the
 * network it would otherwise call home to, which is closed here and slows every start.
 */
export async function launchChromium(): Promise<ChromiumBrowser> {
  const executablePath = process.env.CHROMIUM_PATH ?? systemBinary('chromium');
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Playwright gives each launch a fresh, temporary profile and removes it on close.
  const close = () => browser.close();
  return { browser, close, [Symbol.asyncDispose]: close };
}
