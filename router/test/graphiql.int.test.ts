import { launchChromium, testJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { serveFetch } from '../src/index.ts';

it('GraphiQL loads in headless Chromium with no internet, runs a typed query and shows the result', async () => {
  await using jarvis = await testJarvis();
  const server = await serveFetch(jarvis.router.fetch, { host: '127.0.0.1', port: 0 });
  try {
    await using chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    const offsite: string[] = [];
    // Everything must come from our origin: a CDN request would fail on a machine with no internet.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('blob:') || url.startsWith('data:'))
        return route.continue();
      offsite.push(url);
      return route.abort();
    });
    await page.goto(`${server.url}/graphql`);
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ serviceHealth(name: "database") { name status', { delay: 5 });
    // Monaco closes braces itself; drop what it added after the cursor, then close them ourselves.
    await page.keyboard.press('Shift+ControlOrMeta+End');
    await page.keyboard.press('Delete');
    await page.keyboard.type(' } }');
    await page.locator('.graphiql-execute-button').click();
    // Monaco lays text out with non-breaking spaces; compare with white space folded.
    const resultText = async () =>
      (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
    await expect.poll(resultText, { timeout: 15_000 }).toContain('"status": "UP"');
    expect(await resultText()).toContain(
      '{ "data": { "serviceHealth": { "name": "database", "status": "UP" } } }',
    );

    // The docs explorer lists the supergraph's root fields.
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    await expect
      .poll(async () => page.locator('.graphiql-doc-explorer').innerText(), { timeout: 10_000 })
      .toContain('Query');
    expect(offsite).toEqual([]);
  } finally {
    await server.close();
  }
});
