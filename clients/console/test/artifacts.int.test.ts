import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TSAIComponent } from '@jarvis/sdk';
import { gql, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openConsole } from './consolePage.ts';

let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
const dir = mkdtempSync(path.join(tmpdir(), 'console-artifacts-'));

beforeAll(async () => {
  jarvis = await servedJarvis();
}, 120_000);

afterAll(async () => {
  await jarvis?.[Symbol.asyncDispose]();
});

const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

it('rolls an alias back through the console, after a confirmation, and GraphQL sees the move', async () => {
  await using component = new TSAIComponent('spotlight', { url: jarvis.url });
  const v1 = await component.storeModel(file('detector-1.onnx', 'weights one'), {
    name: 'detector',
    alias: 'production',
  });
  const v2 = await component.storeModel(file('detector-2.onnx', 'weights two'), {
    name: 'detector',
    alias: 'production',
  });
  expect([v1.version, v2.version]).toEqual([1, 2]);

  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/artifacts`);
  await page.getByRole('link', { name: 'detector' }).first().click();
  const v1Row = page.locator('tr[data-version="1"]');
  await v1Row.waitFor();
  // Dismissed, nothing moves.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await v1Row.locator('button[data-alias="production"]').click();
  const production = async () =>
    (
      await gql<{ artifactByName: { version: number } }>(
        jarvis.url,
        '{ artifactByName(name: "detector", alias: "production") { version } }',
      )
    ).data?.artifactByName.version;
  expect(await production()).toBe(2);

  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await v1Row.locator('button[data-alias="production"]').click();
  await expect.poll(production, { timeout: 30_000 }).toBe(1);
  expect(asked).toContain('Roll back alias “production” of detector from v2 to v1');
  // The page shows the alias on v1 now, with no reload.
  await expect.poll(() => v1Row.locator('.tag').allInnerTexts(), { timeout: 30_000 }).toContain('production');
  await browser.screenshot('artifact-versions');
  expect(browser.offsite).toEqual([]);
}, 120_000);

it('the lineage of a derived artifact shows both artifacts and the run between them, and can be walked', async () => {
  await using component = new TSAIComponent('toolchain', { url: jarvis.url });
  const dataset = await component.storeArtifact(file('images.tar', 'images'), {
    name: 'images',
    kind: 'DATASET',
  });
  const run = await component.startExperiment('console-lineage', { epochs: 3 });
  const model = await component.storeModel(file('resnet.onnx', 'resnet weights'), {
    name: 'resnet',
    runId: run.id,
    derivedFrom: [dataset.id],
  });
  await run.end();

  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/artifacts/${model.id}`);
  const graph = page.locator('svg.graph[aria-label="lineage"]');
  await graph.locator(`[data-artifact="${model.id}"]`).waitFor();
  await graph.locator(`[data-artifact="${dataset.id}"]`).waitFor();
  await graph.locator(`[data-run="${run.id}"]`).waitFor();
  // dataset → run → model: the run sits between the two.
  const edges = await graph
    .locator('path.edge')
    .evaluateAll((paths) =>
      paths.map((p) => `${p.getAttribute('data-from')} → ${p.getAttribute('data-to')}`).sort(),
    );
  expect(edges).toEqual([`${dataset.id} → run:${run.id}`, `run:${run.id} → ${model.id}`].sort());
  await browser.screenshot('lineage');

  // Walking: the dataset's node opens the dataset, whose lineage shows the model downstream.
  await graph.locator(`[data-artifact="${dataset.id}"]`).click();
  await expect.poll(() => page.url()).toContain(`#/artifacts/${dataset.id}`);
  await expect.poll(() => page.locator('h1').innerText()).toContain('images');
  await page.locator(`svg.graph [data-artifact="${model.id}"]`).waitFor();
}, 120_000);

it('browses artifacts by name, kind, component and tag, and downloads one', async () => {
  await using spotlight = new TSAIComponent('spotlight', { url: jarvis.url });
  await using toolchain = new TSAIComponent('toolchain', { url: jarvis.url });
  await spotlight.storeArtifact(file('clip.mp4', 'frames'), {
    name: 'browse/clip',
    kind: 'MEDIA',
    tags: ['demo'],
  });
  await toolchain.storeArtifact(file('report.html', '<h1>report</h1>'), {
    name: 'browse/report',
    kind: 'REPORT',
  });
  await toolchain.storeArtifact(file('train.csv', 'a,b\n1,2\n'), {
    name: 'browse/train',
    kind: 'DATASET',
    tags: ['demo'],
  });

  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/artifacts?name=browse/`);
  const names = () => page.locator('tr[data-artifact] td:first-child').allInnerTexts();
  await expect.poll(names, { timeout: 30_000 }).toEqual(['browse/train', 'browse/report', 'browse/clip']);
  await page.getByLabel('Kind').selectOption('DATASET');
  await expect.poll(names, { timeout: 30_000 }).toEqual(['browse/train']);
  await page.getByLabel('Kind').selectOption('');
  await page.getByLabel('Tag').fill('demo');
  await page.getByLabel('Component').fill('spotlight');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect.poll(names, { timeout: 30_000 }).toEqual(['browse/clip']);

  await page.getByRole('link', { name: 'browse/clip' }).click();
  const download = page.getByRole('link', { name: 'Download' });
  await download.waitFor();
  const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(readFileSync((await saved.path())!, 'utf8')).toBe('frames');
}, 120_000);
