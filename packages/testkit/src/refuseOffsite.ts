import type { Page } from 'playwright-core';

/**
 * Refuses every request of `page` that leaves `origins` (data: and blob: URLs stay), as a
 * machine with no internet would, and returns the list of what was refused: a CDN a page
 * depends on shows up there.
 */
export async function refuseOffsite(page: Page, origins: string[]): Promise<string[]> {
  const refused: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (origins.some((o) => url.startsWith(o)) || url.startsWith('data:') || url.startsWith('blob:'))
      return route.continue();
    refused.push(url);
    return route.abort();
  });
  return refused;
}
