/**
 * Batched entity loads: one query joins BENCH_RUNS workflow runs to their experiment runs
 * (`workflowRuns { run { … } }`, an `_entities` call to the experiments subgraph) and the
 * reverse (`searchRuns { workflowRuns { … } }`). Run with batching (the default) and without
 * (JARVIS_ENTITY_BATCHING=off: one key per batch, as every reference loaded before), each in
 * its own process, and prints the statements each query issued, its latency, and the ratio.
 *
 *   node bench/entityBatching.ts
 *   BENCH_RUNS=500 BENCH_ROUNDS=5 node bench/entityBatching.ts
 */
import { fileURLToPath } from 'node:url';
import { gql, runNode, testJarvis } from '@jarvis/testkit';

const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Figures = {
  forward: { ms: number; statements: number };
  reverse: { ms: number; statements: number };
  rssMb: number;
};

async function measure(): Promise<Figures> {
  await using jarvis = await testJarvis();
  const fetch = jarvis.router.fetch;
  const ok = async <T>(query: string, variables?: Record<string, unknown>) => {
    const result = await gql<T>(fetch, query, variables);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };
  const { createExperiment } = await ok<{ createExperiment: { id: string } }>(
    'mutation { createExperiment(name: "bench") { id } }',
  );
  await ok(
    'mutation { registerWorkflow(definition: { name: "waits", steps: [{ id: "s", kind: SIGNAL, signal: "go" }] }) { name } }',
  );
  for (let i = 0; i < RUNS; i++) {
    const { createRun } = await ok<{ createRun: { id: string } }>(
      `mutation { createRun(input: { experimentId: "${createExperiment.id}", name: "r${i}" }) { id } }`,
    );
    await ok('mutation($r: ID!) { startWorkflow(workflow: "waits", experimentRunId: $r) { id } }', {
      r: createRun.id,
    });
  }
  const time = async (query: string) => {
    let best = { ms: Number.POSITIVE_INFINITY, statements: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const before = jarvis.runtime.db.statements();
      const started = performance.now();
      await ok(query);
      const ms = performance.now() - started;
      if (ms < best.ms) best = { ms, statements: jarvis.runtime.db.statements() - before };
    }
    return best;
  };
  const forward = await time(
    `{ workflowRuns(first: ${RUNS}) { edges { node { id run { id name metrics { key value } } } } } }`,
  );
  const reverse = await time(
    `{ searchRuns(experimentIds: ["${createExperiment.id}"], first: ${RUNS}) { edges { node { id workflowRuns { id status } } } } }`,
  );
  return { forward, reverse, rssMb: process.memoryUsage().rss / 1024 / 1024 };
}

if (process.env.BENCH_CHILD) {
  console.log(JSON.stringify(await measure()));
} else {
  const run = async (batching: 'on' | 'off') => {
    const child = runNode(fileURLToPath(import.meta.url), [], {
      BENCH_CHILD: '1',
      JARVIS_ENTITY_BATCHING: batching,
      BENCH_RUNS: String(RUNS),
      BENCH_ROUNDS: String(ROUNDS),
    });
    if ((await child.exited) !== 0) throw new Error(`bench child (${batching}) failed:\n${child.output()}`);
    return JSON.parse(child.output().trim().split('\n').at(-1)!) as Figures;
  };
  const off = await run('off');
  const on = await run('on');
  console.log(
    `${RUNS} workflow runs joined to their experiment runs, best of ${ROUNDS} (in process, PGlite)\n`,
  );
  console.log(
    '| query | statements before | statements batched | ms before | ms batched | before / batched |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const key of ['forward', 'reverse'] as const) {
    const label = key === 'forward' ? 'workflowRuns → run' : 'searchRuns → workflowRuns';
    console.log(
      `| ${label} | ${off[key].statements} | ${on[key].statements} | ${off[key].ms.toFixed(0)} | ${on[key].ms.toFixed(0)} | ${(off[key].ms / on[key].ms).toFixed(2)} |`,
    );
  }
  console.log(`\nRSS after: ${off.rssMb.toFixed(0)} MB before, ${on.rssMb.toFixed(0)} MB batched`);
}
