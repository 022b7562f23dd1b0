import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TSAIComponent } from '@jarvis/sdk';
import { gql, servedJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { openConsole } from './consolePage.ts';

it('models, alerts and health show live data, and every section opens from the menu with no error', async () => {
  await using jarvis = await servedJarvis();
  await using component = new TSAIComponent('spotlight', { url: jarvis.url });
  const dir = mkdtempSync(path.join(tmpdir(), 'console-views-'));
  writeFileSync(path.join(dir, 'face.onnx'), 'face weights');
  const run = await component.startExperiment('console-faces', { lr: 0.02 }, { runName: 'faces-1' });
  const model = await component.storeModel(path.join(dir, 'face.onnx'), { runId: run.id });
  await run.end();
  await component.registerModel('face-detector', { artifactId: model.id, runId: run.id, alias: 'champion' });
  await component.logMetric('queue_depth', 42);
  const rule = await gql(
    jarvis.url,
    'mutation { createAlertRule(input: { name: "queue too deep", metric: "queue_depth", operator: GT, threshold: 10 }) { id } }',
  );
  expect(rule.errors).toBeUndefined();
  await gql(jarvis.url, 'mutation { evaluateAlertRules { id } }');

  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/`);
  for (const section of ['Workflows', 'Artifacts', 'Models', 'Alerts', 'Health', 'Experiments']) {
    await page.getByRole('navigation', { name: 'sections' }).getByRole('link', { name: section }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`^${section}`) }).waitFor();
    expect(await page.locator('main .error').count(), section).toBe(0);
  }

  await page.goto(`${jarvis.url}/#/models`);
  await page.getByRole('link', { name: 'face-detector' }).click();
  const version = page.locator('tr[data-version="1"]');
  await version.waitFor();
  expect(await version.innerText()).toContain('champion');
  await version.getByRole('link', { name: 'faces-1' }).click();
  await expect.poll(() => page.url()).toContain(`#/runs/${run.id}`);
  await page.getByRole('heading', { level: 1, name: /faces-1/ }).waitFor();

  await page.goto(`${jarvis.url}/#/alerts`);
  const firing = page.locator('tr.firing');
  await firing.waitFor();
  expect(await firing.innerText()).toContain('queue too deep');

  await page.goto(`${jarvis.url}/#/health`);
  const database = page.locator('tr[data-health="database"]');
  await database.waitFor();
  expect(await database.innerText()).toMatch(/\bup\b/);

  // Dark theme, remembered across reloads.
  await page.getByRole('button', { name: 'switch to dark theme' }).click();
  await page.reload();
  await page.locator('tr[data-health="database"]').waitFor();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await browser.screenshot('health-dark');
  expect(browser.offsite).toEqual([]);
}, 180_000);

it('addresses a careless or hostile user types get a clear answer, never a crash or a server error', async () => {
  await using jarvis = await servedJarvis();
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  const nasty = `x'"<img src=x onerror=alert(1)>\u0000${'z'.repeat(2000)}`;
  for (const address of [
    '#/runs/not-a-run',
    `#/runs/${encodeURIComponent(nasty)}`,
    '#/experiments/999999999999999999999',
    `#/experiments/1?filter=${encodeURIComponent("metrics.loss > 'x' or")}&order=${encodeURIComponent('nonsense DESC')}`,
    `#/compare?runs=${Array.from({ length: 300 }, (_, i) => `r${i}`).join(',')}`,
    '#/workflows/runs/%E0%A4%A',
    `#/artifacts/${encodeURIComponent(nasty)}`,
    `#/artifacts?kind=BOGUS&page=${encodeURIComponent('not-a-cursor')}`,
    `#/models/${encodeURIComponent(nasty)}`,
    '#/no/such/page',
  ]) {
    await page.goto(`${jarvis.url}/${address}`);
    // Something definite is shown: a "not found", an error in words, or an empty list.
    await page
      .locator('.not-found, .error, .filter-error, .empty, table.data')
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(() => {
        throw new Error(`nothing definite shown for ${address}`);
      });
    const text = await page.locator('main').innerText();
    expect(text, address).not.toContain('INTERNAL_SERVER_ERROR');
    expect(text, address).not.toMatch(/HTTP 5\d\d/);
    expect(await page.evaluate(() => document.querySelectorAll('img').length), address).toBe(0);
  }
}, 180_000);
