/**
 * Regenerates the console screenshots in docs/images (shown in the README): a served Jarvis on
 * embedded backends, seeded by the SDK, photographed in headless Chromium.
 *   node scripts/consoleScreenshots.ts
 */
import path from 'node:path';
import { TSAIComponent } from '@jarvis/sdk';
import { launchChromium, servedJarvis } from '@jarvis/testkit';

const out = path.join(import.meta.dirname, '../docs/images');
await using jarvis = await servedJarvis();
await using component = new TSAIComponent('toolchain', { url: jarvis.url });

const ids: string[] = [];
for (const [lr, batch] of [
  [0.001, 32],
  [0.003, 32],
  [0.01, 64],
  [0.03, 64],
] as const) {
  const run = await component.startExperiment(
    'detector-sweep',
    { lr, batch, optimizer: 'adamw' },
    { runName: `lr=${lr} b=${batch}` },
  );
  for (let step = 1; step <= 300; step++) {
    const progress = 1 - Math.exp(-step * lr * 2);
    const noise = Math.sin(step * 0.7 + lr * 1000) * 0.015;
    run.logMetrics(
      { loss: 2.3 * (1 - progress) + 0.1 + noise, 'val/accuracy': 0.55 + 0.4 * progress + noise / 2 },
      step,
    );
  }
  await run.end();
  ids.push(run.id);
}

let release = () => {};
const held = new Promise<void>((resolve) => {
  release = resolve;
});
await component.createWorker(
  {
    fetch: async () => ({ images: 12_000 }),
    augment: async () => ({ images: 48_000 }),
    profile: async () => ({ classes: 80 }),
    train: async (_input: unknown, ctx) => {
      await ctx.progress(0.6, 'epoch 6 of 10');
      await held;
      return {};
    },
    evaluate: async () => ({}),
    publish: async () => ({}),
  },
  { taskQueue: 'detector' },
);
await component.registerWorkflow({
  name: 'detector-training',
  taskQueue: 'detector',
  steps: [
    { id: 'fetch', activity: 'fetch' },
    { id: 'augment', activity: 'augment', dependsOn: ['fetch'] },
    { id: 'profile', activity: 'profile', dependsOn: ['fetch'] },
    { id: 'train', activity: 'train', dependsOn: ['augment', 'profile'] },
    { id: 'evaluate', activity: 'evaluate', dependsOn: ['train'] },
    { id: 'publish', activity: 'publish', dependsOn: ['evaluate'] },
  ],
});
const pipeline = await component.startWorkflow('detector-training', {});

await using chromium = await launchChromium();
const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${jarvis.url}/#/compare?runs=${ids.join(',')}&smooth=0.6`);
await page.locator('.chart canvas').first().waitFor({ timeout: 30_000 });
await page.waitForTimeout(500);
await page.screenshot({ path: path.join(out, 'console-compare.png') });
await page.goto(`${jarvis.url}/#/workflows/runs/${pipeline.id}`);
await page.locator('svg.graph [data-step="train"][data-status="RUNNING"]').waitFor({ timeout: 30_000 });
await page.screenshot({ path: path.join(out, 'console-pipeline.png') });
release();
console.log(`wrote ${path.join(out, 'console-compare.png')} and console-pipeline.png`);
