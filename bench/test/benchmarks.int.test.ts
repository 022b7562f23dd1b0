import { fileURLToPath } from 'node:url';
import { runNode } from '@jarvis/testkit';
import { describe, expect, it } from 'vitest';

/**
 * Benchmarks are programs nobody runs until a figure is needed, so they rot quietly (one stopped
 * starting when testkit learned to hook into vitest). Each runs here at a size that takes seconds
 * and must print its side-by-side comparison; the figures themselves are not judged: tests do
 * not time things.
 */
async function bench(file: string, env: Record<string, string>) {
  const run = runNode(fileURLToPath(new URL(`../${file}`, import.meta.url)), [], env);
  const code = await run.exited;
  expect(code, run.output()).toBe(0);
  return run.output();
}

/** A row of the harness's table (bench/harness): the figure, the peer, the median ratio and each round's. */
function expectRatio(out: string, figure: string, peer: string, rounds: number, times = 1) {
  const escaped = figure.replace(/[/]/g, '\\/');
  const row = new RegExp(
    `^\\| ${escaped} \\| [^|]+ \\| ${peer} \\| [^|]+ \\| \\d+\\.\\d{2}× \\| [\\d.]+–[\\d.]+× \\| ${Array(rounds).fill('[\\d.]+').join(' ')} \\|$`,
    'gm',
  );
  expect(out.match(row)?.length, `${figure} vs ${peer} in:\n${out}`).toBe(times);
}

// One at a time: each starts its own engines and peers, and two cores are all there is.
describe('benchmarks still run and print their comparison', () => {
  it('storage: Jarvis vs the minio client on the same MinIO, ratios per round and peak RSS', async () => {
    const out = await bench('storageThroughput.ts', { BENCH_MB: '8', BENCH_ROUNDS: '2' });
    for (const figure of ['upload presigned', 'upload streaming', 'download presigned', 'download streaming'])
      expectRatio(out, figure, 'minio', 2);
    expect(out).toMatch(/peak RSS while transferring .* \d+ MB/);
  });

  it('tracking: Jarvis vs a real MLflow server on one PostgreSQL, through the MLflow REST API, in rounds', async () => {
    const out = await bench('trackingThroughput.ts', {
      BENCH_RUNS: '2000',
      BENCH_CLIENTS: '2',
      BENCH_SECONDS: '1',
      BENCH_SEARCHES: '3',
      BENCH_ROUNDS: '2',
    });
    expect(out).toContain('4 workers, SQLAlchemy pool 2 + 2 overflow');
    for (const figure of ['log-batch 10', 'log-batch 500', 'create-run', 'search p50', 'search p95'])
      expectRatio(out, figure, 'mlflow', 2);
    expect(out).toMatch(/Jarvis peak RSS \d+ MB/);
  });

  it('Python SDK: log_metrics vs the mlflow client, upload vs the minio client, on one Jarvis, in rounds', async () => {
    const out = await bench('pythonSdkThroughput.ts', {
      BENCH_POINTS: '3000',
      BENCH_MB: '16',
      BENCH_ROUNDS: '2',
    });
    for (const figure of ['log metrics', 'upload']) expectRatio(out, figure, 'official-clients', 2);
    expect(out).toMatch(/jarvis peak RSS \d+ MB/);
  });

  it('workflows: Jarvis on Temporal and local vs @temporalio/client directly, in rounds, with progress latency', async () => {
    const out = await bench('workflowThroughput.ts', {
      BENCH_RUNS: '20',
      BENCH_CONCURRENCY: '4',
      BENCH_ROUNDS: '2',
    });
    for (const figure of ['runs/s, jarvis on Temporal', 'runs/s, jarvis local engine'])
      expectRatio(out, figure, 'temporal', 2);
    expect(out).toMatch(
      /progress→subscriber p95 per round: local engine \d+, \d+ ms .* on Temporal \d+, \d+ ms/,
    );
  });

  it('router: Jarvis vs Hive Gateway (The Guild’s configuration and defaults) and Apollo Gateway, on both workloads', async () => {
    const out = await bench('routerThroughput.ts', {
      BENCH_SECONDS: '1',
      BENCH_CONCURRENCY: '4',
      BENCH_ROUNDS: '2',
    });
    expect(out).toContain("The Guild's gateway benchmark workload");
    expect(out).toContain('varied requests');
    expect(out).toContain('inboundInflightRequestDeduplication: true');
    expect(out).toMatch(/round 2 \(apollo → hive → hive-best → jarvis\)/);
    for (const peer of ['hive-best', 'hive', 'apollo'])
      for (const figure of ['req/s', 'router peak RSS']) expectRatio(out, figure, peer, 2, 2);
  });

  it('subscription fan-out: every subscriber gets every event, through Jarvis and through Hive, in rounds', async () => {
    const out = await bench('subscriptionFanout.ts', {
      BENCH_CLIENTS: '20',
      BENCH_EVENTS: '3',
      BENCH_ROUNDS: '2',
    });
    expect(out).toMatch(/jarvis: 60\/60 events, 1 upstream subscription/);
    expect(out).toMatch(/hive: 60\/60 events/);
    for (const figure of ['delay p99', 'memory per subscriber', 'router RSS'])
      expectRatio(out, figure, 'hive', 2);
  });

  it('start-up: jarvis dev vs mlflow server, cold and warm, with the ratios, RSS and peaks', async () => {
    const out = await bench('startupTime.ts', { BENCH_ROUNDS: '1' });
    for (const figure of [
      'cold start',
      'warm start',
      'RSS once ready',
      'peak RSS, cold start',
      'peak RSS, warm start',
    ])
      expectRatio(out, figure, 'mlflow', 1);
  });

  it('entity batching: statements and latency of 500-entity joins, batched and not, in rounds', async () => {
    const out = await bench('entityBatching.ts', { BENCH_RUNS: '30', BENCH_ROUNDS: '2', BENCH_REPEATS: '1' });
    for (const figure of [
      'workflowRuns → run',
      'searchRuns → workflowRuns',
      'statements, workflowRuns → run',
    ])
      expectRatio(out, figure, 'one-by-one', 2);
  });

  it('drives: import and export between WebDAV and MinIO, Jarvis vs the webdav and minio clients, in rounds', async () => {
    const out = await bench('driveTransfers.ts', { BENCH_MB: '16', BENCH_FILES: '4', BENCH_ROUNDS: '2' });
    for (const figure of ['import', 'export']) expectRatio(out, figure, 'direct', 2);
    expect(out).toMatch(/peak RSS while transferring .* \d+ MB/);
  });

  it('console: first meaningful paint of the runs table and a comparison, against MLflow’s UI on the same data', async () => {
    const out = await bench('consolePaint.ts', {
      BENCH_RUNS: '60',
      BENCH_POINTS: '1500',
      BENCH_REPEATS: '1',
      BENCH_ROUNDS: '2',
    });
    for (const figure of ['runs table, 60 runs', 'compare 10 runs', 'table bytes'])
      expectRatio(out, figure, 'mlflow-ui', 2);
    expect(out).toMatch(/jarvis peak RSS \d+ MB/);
  });
});
