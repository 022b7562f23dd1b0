/**
 * Batched entity loads: one query joins BENCH_RUNS workflow runs to their experiment runs
 * (`workflowRuns { run { … } }`, an `_entities` call to the experiments subgraph) and the
 * reverse (`searchRuns { workflowRuns { … } }`). Run with batching (the default) and without
 * (JARVIS_ENTITY_BATCHING=off: one key per batch, as every reference loaded before), each in
 * its own process, in alternating rounds (bench/harness), and prints the statements each query
 * issued, its latency, and the ratios.
 *
 *   node bench/entityBatching.ts
 *   BENCH_RUNS=500 BENCH_ROUNDS=3 BENCH_REPEATS=5 node bench/entityBatching.ts
 */
import { fileURLToPath } from 'node:url';
import { gql, runNode, testJarvis } from '@jarvis/testkit';
import { compareContenders } from './harness/compareContenders.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

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
  const time = async (query: string, check: (data: Record<string, { edges: unknown[] }>) => boolean) => {
    let best = { ms: Number.POSITIVE_INFINITY, statements: 0 };
    for (let round = 0; round < REPEATS; round++) {
      const before = jarvis.runtime.db.statements();
      const started = performance.now();
      const data = await ok<Record<string, { edges: unknown[] }>>(query);
      if (!check(data)) throw new Error(`wrong answer to ${query}: ${JSON.stringify(data).slice(0, 300)}`);
      const ms = performance.now() - started;
      if (ms < best.ms) best = { ms, statements: jarvis.runtime.db.statements() - before };
    }
    return best;
  };
  // Every join resolved: each workflow run has its experiment run, each experiment run its workflow run.
  type Edge<T> = { node: T };
  const forward = await time(
    `{ workflowRuns(first: ${RUNS}) { edges { node { id run { id name metrics { key value } } } } } }`,
    (data) =>
      data.workflowRuns!.edges.length === RUNS &&
      (data.workflowRuns!.edges as Edge<{ run: { name: string } | null }>[]).every((e) =>
        /^r\d+$/.test(e.node.run?.name ?? ''),
      ),
  );
  const reverse = await time(
    `{ searchRuns(experimentIds: ["${createExperiment.id}"], first: ${RUNS}) { edges { node { id workflowRuns { id status } } } } }`,
    (data) =>
      data.searchRuns!.edges.length === RUNS &&
      (data.searchRuns!.edges as Edge<{ workflowRuns: unknown[] }>[]).every(
        (e) => e.node.workflowRuns.length === 1,
      ),
  );
  return { forward, reverse, rssMb: process.memoryUsage().rss / 1024 / 1024 };
}

if (process.env.BENCH_CHILD) {
  console.log(JSON.stringify(await measure()));
} else {
  const run = (batching: 'on' | 'off') => async () => {
    const child = runNode(fileURLToPath(import.meta.url), [], {
      BENCH_CHILD: '1',
      JARVIS_ENTITY_BATCHING: batching,
      BENCH_RUNS: String(RUNS),
      BENCH_REPEATS: String(REPEATS),
    });
    if ((await child.exited) !== 0) throw new Error(`bench child (${batching}) failed:\n${child.output()}`);
    return JSON.parse(child.output().trim().split('\n').at(-1)!) as Figures;
  };
  await compareContenders<Figures>({
    title: `${RUNS} workflow runs joined to their experiment runs and back, in process on PGlite, best of ${REPEATS} per round`,
    contenders: [
      {
        name: 'batched',
        setup: 'entity batching on (the default): one statement per batch of keys',
        measure: run('on'),
      },
      {
        name: 'one-by-one',
        setup: 'JARVIS_ENTITY_BATCHING=off: one key per batch, as every reference loaded before batching',
        measure: run('off'),
      },
    ],
    figures: [
      { label: 'workflowRuns → run', unit: 'ms', better: 'lower', of: (f) => f.forward.ms },
      { label: 'searchRuns → workflowRuns', unit: 'ms', better: 'lower', of: (f) => f.reverse.ms },
      { label: 'statements, workflowRuns → run', unit: '', better: 'lower', of: (f) => f.forward.statements },
      {
        label: 'statements, searchRuns → workflowRuns',
        unit: '',
        better: 'lower',
        of: (f) => f.reverse.statements,
      },
    ],
  });
}
