import { gql, testJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';

const N = 40;

it(`entities named across subgraphs load in batches: ${N} workflow runs joined to their experiment runs and back take a handful of statements, not ${N}`, async () => {
  await using jarvis = await testJarvis();
  const fetch = jarvis.router.fetch;
  const ok = async <T>(query: string, variables?: Record<string, unknown>) => {
    const result = await gql<T>(fetch, query, variables);
    expect(result.errors).toBeUndefined();
    return result.data!;
  };
  const { createExperiment } = await ok<{ createExperiment: { id: string } }>(
    'mutation { createExperiment(name: "batched") { id } }',
  );
  await ok(
    'mutation { registerWorkflow(definition: { name: "waits", steps: [{ id: "s", kind: SIGNAL, signal: "go" }] }) { name } }',
  );
  const linked = new Map<string, string>();
  for (let i = 0; i < N; i++) {
    const { createRun } = await ok<{ createRun: { id: string } }>(
      `mutation { createRun(input: { experimentId: "${createExperiment.id}", name: "r${i}" }) { id } }`,
    );
    const { startWorkflow } = await ok<{ startWorkflow: { id: string } }>(
      'mutation($r: ID!) { startWorkflow(workflow: "waits", experimentRunId: $r) { id } }',
      { r: createRun.id },
    );
    linked.set(startWorkflow.id, createRun.id);
  }

  const statements = () => jarvis.runtime.db.statements();
  const before = statements();
  const forward = await ok<{
    workflowRuns: { edges: { node: { id: string; run: { id: string; name: string } } }[] };
  }>(`{ workflowRuns(first: ${N}) { edges { node { id run { id name } } } } }`);
  const forwardStatements = statements() - before;
  expect(forward.workflowRuns.edges).toHaveLength(N);
  for (const { node } of forward.workflowRuns.edges) expect(node.run.id).toBe(linked.get(node.id));

  const back = statements();
  const reverse = await ok<{
    searchRuns: { edges: { node: { id: string; workflowRuns: { id: string }[] } }[] };
  }>(
    `{ searchRuns(experimentIds: ["${createExperiment.id}"], first: ${N}) { edges { node { id workflowRuns { id } } } } }`,
  );
  const reverseStatements = statements() - back;
  expect(reverse.searchRuns.edges).toHaveLength(N);
  for (const { node } of reverse.searchRuns.edges)
    expect(node.workflowRuns.map((w) => linked.get(w.id))).toEqual([node.id]);

  // One batch per entity type per request (a few statements each), however many entities.
  expect(forwardStatements).toBeLessThan(12);
  expect(reverseStatements).toBeLessThan(12);
});
