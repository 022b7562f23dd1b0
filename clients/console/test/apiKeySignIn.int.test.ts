import type { IdentityService } from '@jarvis/subgraph-identity';
import { servedJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { openConsole } from './consolePage.ts';

it('with auth.mode: keys the console asks for an API key, refuses a wrong one, and acts as a valid one', async () => {
  await using jarvis = await servedJarvis({ auth: { mode: 'keys' } });
  const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
  const viewer = await identity.issueKey({ projectId: 'default', name: 'console-viewer', role: 'viewer' });
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/health`);
  const key = page.getByLabel('API key');
  await key.fill('jv_not-a-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Jarvis refused this API key' }).waitFor();
  await key.fill(viewer.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('tr[data-health="database"]').waitFor();
  expect(await page.locator('header.top .who').innerText()).toContain('viewer');
  // The key stays in this tab only: a new tab (another session) asks again.
  const other = await page.context().browser()!.newPage();
  await other.goto(`${jarvis.url}/#/health`);
  await other.getByLabel('API key').waitFor();
  await browser.screenshot('api-key-health');
}, 120_000);
