import { createHash } from 'node:crypto';
import { gql } from '@jarvis/testkit';

type Target = Parameters<typeof gql>[0];

/**
 * A workflow run waiting on two signals, linked to an experiment run that has a logged metric
 * and an artifact: its events carry fields of workflows, experiments and storage.
 */
export async function trackedRun(target: Target, headers: Record<string, string> = {}) {
  const q = async <T>(query: string, variables?: Record<string, unknown>) => {
    const result = await gql<T>(target, query, variables, headers);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };
  const suffix = Math.random().toString(36).slice(2, 8);
  const { createExperiment } = await q<{ createExperiment: { id: string } }>(
    'mutation($n: String!) { createExperiment(name: $n) { id } }',
    { n: `tracked-${suffix}` },
  );
  const { createRun } = await q<{ createRun: { id: string } }>(
    'mutation($e: ID!) { createRun(input: { experimentId: $e, name: "tracked-run" }) { id } }',
    { e: createExperiment.id },
  );
  await q(
    'mutation($r: ID!) { logBatch(runId: $r, metrics: [{ key: "loss", value: 0.5, step: 1 }]) { id } }',
    {
      r: createRun.id,
    },
  );
  const content = Buffer.from('weights');
  await q(
    `mutation($i: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $i, contentBase64: $c) { id } }`,
    {
      i: {
        name: `model-${suffix}.bin`,
        kind: 'MODEL',
        size: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
        runId: createRun.id,
      },
      c: content.toString('base64'),
    },
  );
  const workflow = `gated-${suffix}`;
  await q('mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }', {
    d: {
      name: workflow,
      steps: [
        { id: 'gate', kind: 'SIGNAL', signal: 'go' },
        { id: 'finish', kind: 'SIGNAL', signal: 'done', dependsOn: ['gate'] },
      ],
    },
  });
  const { startWorkflow } = await q<{ startWorkflow: { id: string } }>(
    'mutation($w: String!, $r: ID) { startWorkflow(workflow: $w, experimentRunId: $r) { id } }',
    { w: workflow, r: createRun.id },
  );
  return {
    runId: startWorkflow.id,
    experimentRunId: createRun.id,
    artifactName: `model-${suffix}.bin`,
    signal: (name: 'go' | 'done') =>
      q('mutation($id: ID!, $s: String!) { signalWorkflowRun(id: $id, signal: $s) { id } }', {
        id: startWorkflow.id,
        s: name,
      }),
  };
}

/** The subscription: each event resolves fields of workflows, experiments and storage. */
export const CROSS_SUBGRAPH = `subscription($id: ID!) {
  workflowRunEvents(runId: $id) {
    sequence
    type
    step { stepId status }
    run {
      status
      run { name metrics { key value } artifacts { totalCount edges { node { name version } } } }
    }
  }
}`;

export interface CrossEvent {
  sequence: number;
  type: string;
  step: { stepId: string; status: string } | null;
  run: {
    status: string;
    run: {
      name: string;
      metrics: { key: string; value: number }[];
      artifacts: { totalCount: number; edges: { node: { name: string; version: number } }[] };
    };
  };
}
