/**
 * Workflow throughput: BENCH_RUNS (1,000) three-step pipelines of no-op activities started
 * through Jarvis's GraphQL API and waited for, on the local engine and on Temporal, and the same
 * load started with @temporalio/client directly against the same Temporal dev server (the peer).
 * Prints runs/s, the p95 time from an activity's progress report to a `workflowRunsChanged`
 * subscriber, and the ratios to direct Temporal, in alternating rounds (bench/harness).
 *
 *   node bench/workflowThroughput.ts
 *   BENCH_RUNS=200 BENCH_CONCURRENCY=50 node bench/workflowThroughput.ts
 *
 * Everything runs in this process (Jarvis, its workers, the peer's worker), on loopback; the
 * Temporal dev server is its own process, started by testkit.
 */
import { fileURLToPath } from 'node:url';
import { inProcessConnection } from '@jarvis/subgraph-workflows';
import { collectSubscription, gql, servedJarvis, startPostgres, startTemporal } from '@jarvis/testkit';
import { createWorker, quietTemporalRuntime } from '@jarvis/worker';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { compareContenders } from './harness/compareContenders.ts';
import { quantile } from './harness/statistics.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SLOTS = 100;

async function pool(count: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const p95 = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.95,
  );

async function jarvisRun(engine: 'local' | 'temporal', temporalAddress?: string, databaseUrl?: string) {
  await using jarvis = await servedJarvis({
    ...(engine === 'temporal'
      ? { services: { workflow: { type: 'temporal', endpoint: temporalAddress! } } }
      : {}),
    ...(databaseUrl ? { database: { url: databaseUrl } } : {}),
  });
  const q = async (query: string, variables?: Record<string, unknown>) => {
    const result = await gql(jarvis.url, query, variables);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };
  await q(
    'mutation { registerWorkflow(definition: { name: "bench3", taskQueue: "bench", steps: [{ id: "a", activity: "noop" }, { id: "b", activity: "report", dependsOn: ["a"] }, { id: "c", activity: "noop", dependsOn: ["b"] }] }) { version } }',
  );
  const module = jarvis.subgraphs.find((s) => s.name === 'workflows')!;
  await using _worker = await createWorker({
    jarvis: inProcessConnection(module, (query, variables) => q(query, variables)),
    taskQueue: 'bench',
    maxConcurrent: SLOTS,
    activities: {
      noop: async () => null,
      report: async (_input: unknown, ctx) => {
        await ctx.progress(0.5, String(Date.now()));
        return null;
      },
    },
  });
  const latencies: number[] = [];
  await using changes = collectSubscription<{
    workflowRunsChanged: { type: string; message: string | null };
  }>(jarvis.url, 'subscription { workflowRunsChanged(filter: { workflow: "bench3" }) { type message } }');
  const seen = { completed: 0, progress: 0 };
  const watch = setInterval(() => {
    for (const event of changes.events.splice(0)) {
      const change = event.data?.workflowRunsChanged;
      if (change?.type === 'STEP_PROGRESS') {
        seen.progress += 1;
        latencies.push(Date.now() - Number(change.message));
      }
      if (change?.type === 'RUN_COMPLETED') seen.completed += 1;
    }
  }, 5);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = performance.now();
  await pool(RUNS, async () => {
    await q('mutation { startWorkflow(workflow: "bench3") { id } }');
  });
  while (seen.completed < RUNS) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (performance.now() - started > 30 * 60_000)
      throw new Error(`only ${seen.completed}/${RUNS} completed`);
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(watch);
  return {
    runsPerSecond: RUNS / seconds,
    seconds,
    progressP95: p95(latencies),
    progressEvents: latencies.length,
  };
}

async function directTemporal(address: string) {
  await quietTemporalRuntime();
  const native = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: native,
    taskQueue: 'bench-direct',
    workflowsPath: fileURLToPath(new URL('./fixtures/threeStepWorkflow.ts', import.meta.url)),
    activities: { noop: async (step: number) => step },
    maxConcurrentActivityTaskExecutions: SLOTS,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  try {
    const started = performance.now();
    // Only this round's runs count: an earlier round's completed runs once made a later round
    // look 10x faster than it was, by being counted again.
    const since = new Date(Date.now() - 1_000).toISOString();
    await pool(RUNS, async (i) => {
      await client.workflow.start('threeSteps', {
        taskQueue: 'bench-direct',
        workflowId: `direct-${Date.now()}-${i}`,
      });
    });
    // Wait for all, as Jarvis's subscriber does: by asking Temporal how many completed.
    for (;;) {
      const { count } = await client.workflow.count(
        `WorkflowType = 'threeSteps' AND ExecutionStatus = 'Completed' AND StartTime >= '${since}'`,
      );
      if (count > RUNS) throw new Error(`${count} runs completed since ${since}; this round started ${RUNS}`);
      if (count === RUNS) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    return { runsPerSecond: RUNS / seconds, seconds };
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
  }
}

await using temporal = await startTemporal();
console.log(
  `workflow benchmark: ${RUNS} three-step pipelines, ${CONCURRENCY} concurrent starts, Temporal ${temporal.version.split('\n')[0]}`,
);
// BENCH_DB=postgres keeps Jarvis's metadata in a PostgreSQL server (as in production) instead of PGlite.
await using postgres = process.env.BENCH_DB === 'postgres' ? await startPostgres() : undefined;
console.log(`metadata database: ${postgres ? `PostgreSQL ${postgres.version}` : 'PGlite (in-process)'}`);

interface Pipelines {
  onTemporal: number;
  local: number;
  progressTemporal: number;
  progressLocal: number;
}
const { measurements } = await compareContenders<Pipelines>({
  title: `Workflows, ${RUNS} three-step pipelines of no-op activities, ${CONCURRENCY} started at a time`,
  contenders: [
    {
      name: 'jarvis',
      setup: 'started through GraphQL, workers by @jarvis/worker; on Temporal, and on the local engine',
      async measure() {
        const onTemporal = await jarvisRun('temporal', temporal.address, postgres?.url);
        const local = await jarvisRun('local', undefined, postgres?.url);
        return {
          onTemporal: onTemporal.runsPerSecond,
          local: local.runsPerSecond,
          progressTemporal: onTemporal.progressP95,
          progressLocal: local.progressP95,
        };
      },
    },
    {
      name: 'temporal',
      setup:
        '@temporalio/client and worker straight to the same Temporal dev server, the same three-step workflow',
      async measure() {
        const direct = await directTemporal(temporal.address);
        return {
          onTemporal: direct.runsPerSecond,
          local: direct.runsPerSecond,
          progressTemporal: NaN,
          progressLocal: NaN,
        };
      },
    },
  ],
  figures: [
    { label: 'runs/s, jarvis on Temporal', unit: 'runs/s', better: 'higher', of: (m) => m.onTemporal },
    { label: 'runs/s, jarvis local engine', unit: 'runs/s', better: 'higher', of: (m) => m.local },
  ],
});
const p95s = (key: 'progressTemporal' | 'progressLocal') =>
  measurements.jarvis!.map((m) => m[key].toFixed(0)).join(', ');
console.log(
  `progress→subscriber p95 per round: local engine ${p95s('progressLocal')} ms (goal ≤ 50), on Temporal ${p95s('progressTemporal')} ms (goal ≤ 250)`,
);
