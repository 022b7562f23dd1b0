import { TSAIComponent } from '@jarvis/sdk';
import { gql, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChartData } from '../src/app/components/metricChart.ts';
import { openConsole } from './consolePage.ts';

let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
const runs: { id: string; lr: number }[] = [];
let experimentId: string;

beforeAll(async () => {
  jarvis = await servedJarvis();
  await using component = new TSAIComponent('toolchain', { url: jarvis.url });
  for (const lr of [0.01, 0.1, 0.3]) {
    const run = await component.startExperiment('console-vision', { lr, batch: 32 }, { runName: `lr-${lr}` });
    for (let step = 1; step <= 40; step++) run.logMetrics({ loss: lr / step, accuracy: 1 - lr / step }, step);
    await run.end();
    runs.push({ id: run.id, lr });
  }
  const found = await gql<{ experimentByName: { id: string } }>(
    jarvis.url,
    '{ experimentByName(name: "console-vision") { id } }',
  );
  experimentId = found.data!.experimentByName.id;
}, 120_000);

afterAll(async () => {
  await jarvis?.[Symbol.asyncDispose]();
});

it('compares two runs picked in the table: one line per run with the logged points, and the param that differs', async () => {
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/`);
  await page.getByRole('link', { name: 'console-vision' }).click();
  await page.locator('tr[data-run]').first().waitFor({ timeout: 30_000 });
  expect(await page.locator('tr[data-run]').count()).toBe(3);
  const [a, b] = runs;
  await page.locator(`tr[data-run="${a!.id}"] input[type=checkbox]`).check();
  await page.locator(`tr[data-run="${b!.id}"] input[type=checkbox]`).check();
  await page.getByRole('button', { name: /Compare/ }).click();

  const chart = page.locator('.chart[data-metric="loss"]');
  await chart.locator('canvas').waitFor({ timeout: 30_000 });
  // The chart's own data, not its pixels: two series, each the 40 points logged.
  await expect
    .poll(() => chart.evaluate((el) => (el as unknown as { jarvisChart: ChartData }).jarvisChart), {
      timeout: 30_000,
    })
    .toMatchObject({ labels: ['lr-0.01', 'lr-0.1'] });
  const data = await chart.evaluate((el) => (el as unknown as { jarvisChart: ChartData }).jarvisChart);
  expect(data.xs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  for (const [i, { lr }] of [a!, b!].entries())
    expect(data.ys[i]).toEqual(data.xs.map((step) => expect.closeTo(lr / step, 12)));

  const diff = page.locator('.param-diff');
  await expect.poll(() => diff.locator('tr[data-param]').allInnerTexts()).toEqual(['lr\t0.01\t0.1']);
  // The deep link is the view: pasted into a new tab, it shows the same comparison.
  expect(page.url()).toContain(`#/compare?runs=${a!.id}%2C${b!.id}`);
  await browser.screenshot('compare');
  expect(browser.offsite).toEqual([]);
}, 120_000);

it('a filter with a syntax error shows where the error is; a valid one narrows the table', async () => {
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/experiments/${experimentId}`);
  await page.locator('tr[data-run]').first().waitFor({ timeout: 30_000 });
  const filter = page.getByLabel('Filter');
  const broken = "params.lr = '0.1' and metrics.loss >";
  await filter.fill(broken);
  await filter.press('Enter');
  const error = page.locator('.filter-error');
  await error.waitFor({ timeout: 30_000 });
  // The number is missing at the end: the caret stands under the place right after `>`.
  expect(await error.locator('pre').getAttribute('data-position')).toBe(String(broken.length));
  const [text, caret] = (await error.locator('pre').innerText()).split('\n');
  expect(text).toBe(broken);
  expect(caret).toBe(`${' '.repeat(broken.length)}^`);
  expect(await error.innerText()).toContain(`Invalid filter at position ${broken.length + 1}`);
  await browser.screenshot('filter-error');

  await filter.fill("params.lr = '0.1'");
  await filter.press('Enter');
  await expect.poll(() => page.locator('tr[data-run]').count(), { timeout: 30_000 }).toBe(1);
  expect(await page.locator('tr[data-run]').getAttribute('data-run')).toBe(runs[1]!.id);
  expect(await page.locator('.filter-error').count()).toBe(0);
  await browser.screenshot('runs-filtered');
}, 120_000);

it('a running run’s chart moves as the SDK logs, without a reload', async () => {
  await using component = new TSAIComponent('toolchain', { url: jarvis.url });
  const run = await component.startExperiment('console-live', { lr: 0.05 }, { runName: 'live' });
  for (let step = 1; step <= 5; step++) run.logMetrics({ loss: 1 / step }, step);
  await run.flush();
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/runs/${run.id}`);
  const chart = page.locator('.chart[data-metric="loss"]');
  const xs = () =>
    chart.evaluate((el) => (el as unknown as { jarvisChart?: ChartData }).jarvisChart?.xs ?? []);
  await expect.poll(xs, { timeout: 30_000 }).toEqual([1, 2, 3, 4, 5]);
  await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));
  for (let step = 6; step <= 8; step++) run.logMetrics({ loss: 1 / step }, step);
  await run.flush();
  await expect.poll(xs, { timeout: 30_000 }).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  const ys = await chart.evaluate((el) => (el as unknown as { jarvisChart: ChartData }).jarvisChart.ys[0]);
  expect(ys).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((step) => expect.closeTo(1 / step, 12)));
  expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await run.end();
}, 120_000);

it('sorts the table by a metric column, both ways, and keeps the order in the address', async () => {
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/experiments/${experimentId}`);
  await page.locator('tr[data-run]').first().waitFor();
  const order = () =>
    page.locator('tr[data-run]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')));
  const byLr = (direction: 1 | -1) => [...runs].sort((a, b) => direction * (a.lr - b.lr)).map((r) => r.id);
  // The last loss is lr / 40: the higher lr, the higher the loss.
  await page.getByRole('button', { name: /^metrics\.loss/ }).click();
  await expect.poll(order, { timeout: 30_000 }).toEqual(byLr(-1));
  expect(new URLSearchParams(page.url().split('?')[1]).get('order')).toBe('metrics.loss DESC');
  await page.getByRole('button', { name: /^metrics\.loss/ }).click();
  await expect.poll(order, { timeout: 30_000 }).toEqual(byLr(1));
}, 120_000);

it('pages through an experiment with more runs than a page holds, and back', async () => {
  const created = await gql<{ createExperiment: { id: string } }>(
    jarvis.url,
    'mutation { createExperiment(name: "console-many") { id } }',
  );
  const experiment = created.data!.createExperiment.id;
  for (let i = 0; i < 55; i++)
    await gql(
      jarvis.url,
      'mutation ($e: ID!, $n: String) { createRun(input: { experimentId: $e, name: $n }) { id } }',
      {
        e: experiment,
        n: `many-${i}`,
      },
    );
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/experiments/${experiment}`);
  const rows = page.locator('tr[data-run]');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(50);
  expect(await page.locator('.pager').innerText()).toContain('55 in all, page 1');
  const first = await rows.first().getAttribute('data-run');
  await page.getByRole('button', { name: 'Next ›' }).click();
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(5);
  expect(await page.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true);
  // The second page has its own address: reloading it shows the same five runs.
  await page.reload();
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(5);
  await page.getByRole('button', { name: '‹ Previous' }).click();
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(50);
  expect(await rows.first().getAttribute('data-run')).toBe(first);
}, 120_000);
