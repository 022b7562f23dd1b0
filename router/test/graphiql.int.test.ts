import { gql, launchChromium, refuseOffsite, testJarvis, waitFor } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { serveFetch } from '../src/index.ts';

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>['browser']['newPage']>>;

/** Replaces the editor's text with an operation, as a user types it. */
async function typeOperation(page: Page, text: string, closing: string) {
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.waitFor({ timeout: 30_000 });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text, { delay: 5 });
  // Monaco closes braces itself; drop what it added after the cursor, then close them ourselves.
  await page.keyboard.press('Shift+ControlOrMeta+End');
  await page.keyboard.press('Delete');
  await page.keyboard.type(closing);
}

/** Monaco lays text out with non-breaking spaces; compare with white space folded. */
const responseText = async (page: Page) =>
  (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');

it('GraphiQL loads in headless Chromium with no internet, runs a typed query and shows the result', async () => {
  await using jarvis = await testJarvis();
  const server = await serveFetch(jarvis.router.fetch, { host: '127.0.0.1', port: 0 });
  try {
    await using chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    // Everything must come from our origin: a CDN request would fail on a machine with no internet.
    const offsite = await refuseOffsite(page, [server.url]);
    await page.goto(`${server.url}/graphql`);
    await typeOperation(page, '{ serviceHealth(name: "database") { name status', ' } }');
    await page.locator('.graphiql-execute-button').click();
    const resultText = () => responseText(page);
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

it('GraphiQL runs a subscription over WebSocket: events appear on the page as they happen', async () => {
  await using jarvis = await testJarvis();
  const server = await serveFetch(jarvis.router.fetch, {
    host: '127.0.0.1',
    port: 0,
    websockets: jarvis.router.websockets,
  });
  try {
    await using chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    await page.goto(`${server.url}/graphql`);
    await typeOperation(page, 'subscription { workflowRunsChanged { type workflow: runId status', ' } }');
    await page.locator('.graphiql-execute-button').click();
    await waitFor('the subscription', async () => jarvis.router.subscriptions.upstreamCount() === 1, {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    await gql(
      jarvis.router.fetch,
      'mutation { registerWorkflow(definition: { name: "live", steps: [{ id: "s", kind: SIGNAL, signal: "go" }] }) { name } }',
    );
    const started = await gql<{ startWorkflow: { id: string } }>(
      jarvis.router.fetch,
      'mutation { startWorkflow(workflow: "live") { id } }',
    );
    const runId = started.data!.startWorkflow.id;
    // GraphiQL shows the latest event: the run's start, or its first step's right after it.
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain(`"workflow": "${runId}"`);
    expect(await responseText(page)).toMatch(/"type": "(RUN_STARTED|STEP_STARTED)"/);
    // A later event replaces it live, with no click.
    await gql(jarvis.router.fetch, `mutation { cancelWorkflowRun(id: "${runId}") { id } }`);
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain('"type": "RUN_CANCELLED"');
    expect(await responseText(page)).toContain('"status": "CANCELLED"');
  } finally {
    await server.close();
  }
});
