/**
 * The web console against MLflow's UI on the same data, in the same headless Chromium: time to
 * the first meaningful paint of (1) an experiment's runs table with BENCH_RUNS runs and (2) a
 * chart comparing BENCH_COMPARED runs of BENCH_POINTS points each. Both servers are seeded
 * through the same MLflow REST API (Jarvis serves it too), on their embedded defaults (Jarvis
 * on PGlite, MLflow on SQLite). Prints milliseconds (median of BENCH_REPEATS cold loads, each in
 * a fresh browser context: nothing cached), the ratio MLflow / Jarvis (above 1: the console is
 * faster), the bytes each page transferred, the page's JS heap and Jarvis's RSS.
 *
 *   node bench/consolePaint.ts
 *   BENCH_RUNS=200 BENCH_POINTS=2000 BENCH_REPEATS=1 node bench/consolePaint.ts
 *
 * "Meaningful": the runs table shows at least 10 runs (MLflow: ag-grid rows; Jarvis: table rows),
 * and the chart draws a line for every run from its data (MLflow: a Plotly trace with a path per
 * run; Jarvis: uPlot's data holds points for every run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, startMlflow } from '@jarvis/testkit';
import type { Browser, Page } from 'playwright-core';
import { compareContenders } from './harness/compareContenders.ts';
import { createExperiment, createRun, mlflowCall } from './mlflowRest.ts';
import { startJarvisProcess } from './startJarvisProcess.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const COMPARED = Number(process.env.BENCH_COMPARED ?? 10);
const POINTS = Number(process.env.BENCH_POINTS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CLIENTS = 8;

/** `count` jobs, CLIENTS at a time. */
async function inParallel(count: number, job: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

interface Seeded {
  table: string;
  compared: string[];
  compare: string;
}

/** The same runs on a server: RUNS in one experiment, COMPARED with POINTS points each in another. */
async function seed(base: string): Promise<Seeded> {
  const table = await createExperiment(base, 'bench-table');
  await inParallel(RUNS, async (i) => {
    const id = await createRun(base, table, `run-${i}`);
    const now = Date.now();
    await mlflowCall(base, 'POST', 'runs/log-batch', {
      run_id: id,
      params: [
        { key: 'lr', value: String(10 ** -(1 + (i % 4))) },
        { key: 'batch', value: String(16 << (i % 3)) },
      ],
      metrics: [
        { key: 'accuracy', value: (i % 1000) / 1000, step: 1, timestamp: now },
        { key: 'loss', value: 1 - (i % 1000) / 1000, step: 1, timestamp: now },
      ],
    });
  });
  const compare = await createExperiment(base, 'bench-compare');
  const compared: string[] = [];
  for (let r = 0; r < COMPARED; r++) compared.push(await createRun(base, compare, `long-${r}`));
  const batches = compared.flatMap((id, r) =>
    Array.from({ length: Math.ceil(POINTS / 1000) }, (_, b) => ({ id, r, from: b * 1000 })),
  );
  const started = Date.now();
  await inParallel(batches.length, async (i) => {
    const { id, r, from } = batches[i]!;
    const metrics = [];
    for (let step = from; step < Math.min(POINTS, from + 1000); step++)
      metrics.push({ key: 'loss', value: 1 / (1 + step * (r + 1) * 1e-3), step, timestamp: started + step });
    await mlflowCall(base, 'POST', 'runs/log-batch', { run_id: id, metrics });
  });
  return { table, compared, compare };
}

interface Paint {
  ms: number;
  bytes: number;
  heapMb: number;
}

/** One cold load: a fresh context, the address, then the time at which `ready` first holds. */
async function paint(browser: Browser, url: string, ready: (page: Page) => Promise<unknown>): Promise<Paint> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(300_000);
    await page.goto(url, { waitUntil: 'commit' });
    await ready(page);
    return await page.evaluate(() => {
      const entries = [
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource'),
      ] as PerformanceResourceTiming[];
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      return {
        ms: performance.now(),
        bytes: entries.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0),
        heapMb: (memory?.usedJSHeapSize ?? 0) / 1048576,
      };
    });
  } finally {
    await context.close();
  }
}

async function median(
  browser: Browser,
  url: string,
  ready: (page: Page) => Promise<unknown>,
): Promise<Paint> {
  const samples: Paint[] = [];
  for (let i = 0; i < REPEATS; i++) samples.push(await paint(browser, url, ready));
  samples.sort((a, b) => a.ms - b.ms);
  return samples[Math.floor(samples.length / 2)]!;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-console-'));
const jarvis = await startJarvisProcess(path.join(dir, 'jarvis'), {});
const mlflow = await startMlflow({ workers: 4 });
const chromium = await launchChromium();
try {
  console.log(`seeding ${RUNS} runs and ${COMPARED} runs × ${POINTS} points into each…`);
  const [j, m] = await Promise.all([seed(jarvis.url), seed(mlflow.url)]);

  const minimumRows = Math.min(10, RUNS);
  const tableReady = (page: Page) =>
    page.waitForFunction((n) => document.querySelectorAll('tr[data-run]').length >= n, minimumRows, {
      polling: 'raf',
    });
  const mlflowTableReady = (page: Page) =>
    page.waitForFunction(
      (n) => document.querySelectorAll('.ag-center-cols-container .ag-row').length >= n,
      minimumRows,
      { polling: 'raf' },
    );
  // The console's own chart data: one line per compared run, each with its points.
  const chartReady = (page: Page) =>
    page.waitForFunction(
      (n) => {
        const chart = document.querySelector('.chart[data-metric="loss"]') as unknown as {
          jarvisChart?: { ys: (number | null)[][] };
        } | null;
        const ys = chart?.jarvisChart?.ys ?? [];
        return ys.length === n && ys.every((line) => line.some((y) => y !== null));
      },
      COMPARED,
      { polling: 'raf' },
    );
  const mlflowChartReady = (page: Page) =>
    page.waitForFunction(
      (n) =>
        Array.from(document.querySelectorAll('.js-plotly-plot .scatterlayer .trace path.js-line')).filter(
          (p) => (p.getAttribute('d') ?? '').length > 20,
        ).length >= n,
      COMPARED,
      { polling: 'raf' },
    );
  interface Views {
    table: Paint;
    chart: Paint;
  }
  await compareContenders<Views>({
    title: `First meaningful paint, cold, in headless Chromium: a table of ${RUNS} runs, and ${COMPARED} runs × ${POINTS} points compared`,
    contenders: [
      {
        name: 'console',
        setup: 'the Jarvis console on `jarvis dev` (PGlite), median of BENCH_REPEATS cold loads per round',
        measure: async () => ({
          table: await median(chromium.browser, `${jarvis.url}/#/experiments/${j.table}`, tableReady),
          chart: await median(
            chromium.browser,
            `${jarvis.url}/#/compare?runs=${j.compared.join(',')}`,
            chartReady,
          ),
        }),
      },
      {
        name: 'mlflow-ui',
        setup: `MLflow ${mlflow.version}'s UI on \`mlflow server\` (4 workers, SQLite), same data`,
        measure: async () => ({
          table: await median(
            chromium.browser,
            `${mlflow.url}/#/experiments/${m.table}/runs?workflowType=machine_learning`,
            mlflowTableReady,
          ),
          chart: await median(
            chromium.browser,
            `${mlflow.url}/#/metric?runs=${JSON.stringify(m.compared)}&metric=${JSON.stringify('loss')}&experiments=${JSON.stringify([m.compare])}&plot_metric_keys=${JSON.stringify(['loss'])}&x_axis=step`,
            mlflowChartReady,
          ),
        }),
      },
    ],
    figures: [
      { label: `runs table, ${RUNS} runs`, unit: 'ms', better: 'lower', of: (v) => v.table.ms },
      { label: `compare ${COMPARED} runs`, unit: 'ms', better: 'lower', of: (v) => v.chart.ms },
      { label: 'table bytes', unit: 'KB', better: 'lower', of: (v) => v.table.bytes / 1024 },
      { label: 'compare page heap', unit: 'MB', better: 'lower', of: (v) => v.chart.heapMb },
    ],
  });
  console.log(
    `\njarvis peak RSS ${jarvis.peakRssMb().toFixed(0)} MB (idle before seeding: ${jarvis.baselineMb.toFixed(0)} MB)`,
  );
} finally {
  await chromium.close();
  await mlflow.stop();
  await jarvis.stop();
  rmSync(dir, { recursive: true, force: true });
}
