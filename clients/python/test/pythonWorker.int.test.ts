import { type ChildProcess, spawn } from 'node:child_process';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, servedJarvis, waitFor } from '@jarvis/testkit';
import { createWorker, type JarvisWorker } from '@jarvis/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedSdk } from './installedSdk.ts';

interface Status {
  status: string;
  result: unknown;
  error: { type: string; message: string } | null;
  steps: { stepId: string; status: string; output: unknown }[];
}

/** One pipeline, half its steps in a Python worker and half in a TypeScript one, on the local engine. */
describe('a pipeline with Python and TypeScript steps', () => {
  let sdk: Awaited<ReturnType<typeof installedSdk>>;
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let key: string;
  let pythonWorker: ChildProcess;
  let output = '';
  let tsWorker: JarvisWorker;

  const call = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const result = await gql<T>(jarvis.url, query, variables, { authorization: `Bearer ${key}` });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!;
  };
  const status = async (id: string) =>
    (
      await call<{ workflowRun: Status }>(
        'query($id: ID!) { workflowRun(id: $id) { status result error { type message } steps { stepId status output } } }',
        { id },
      )
    ).workflowRun;
  const finished = (id: string, what: string) =>
    waitFor(what, async () => !['PENDING', 'RUNNING'].includes((await status(id)).status), {
      timeoutMs: 90_000,
    });

  beforeAll(async () => {
    sdk = await installedSdk();
    // The test's own GraphQL is raw; the SDK's on a trusted-only router is pythonSdk.int.test.ts's.
    jarvis = await servedJarvis({ auth: { mode: 'keys' } });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    key = (await identity.issueKey({ projectId: 'default', name: 'pipelines', role: 'editor' })).secret;
    pythonWorker = spawn(
      sdk.python,
      [new URL('./python/mixed_worker.py', import.meta.url).pathname, 'mixed'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          JARVIS_URL: jarvis.url,
          JARVIS_API_KEY: key,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    pythonWorker.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    pythonWorker.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor('the Python worker to start', async () => output.includes('worker ready'), {
      timeoutMs: 60_000,
    });
    tsWorker = await createWorker({
      jarvis: jarvis.url,
      token: key,
      taskQueue: 'mixed',
      activities: { 'ts.add': async (input: { y: number }) => ({ z: input.y + 1 }) },
    });
    await call(`mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }`, {
      d: {
        name: 'mixed',
        taskQueue: 'mixed',
        steps: [
          { id: 'double', activity: 'py.double', input: { x: '$input.x' } },
          { id: 'add', activity: 'ts.add', input: { y: '$steps.double.output.y' }, dependsOn: ['double'] },
        ],
        output: { z: '$steps.add.output.z' },
      },
    });
  }, 300_000);
  afterAll(async () => {
    pythonWorker?.kill();
    await tsWorker?.shutdown();
    await jarvis?.[Symbol.asyncDispose]();
    sdk?.remove();
  });

  it('runs each step in its language, in order, and logs to the linked experiment run', async () => {
    const experiment = await call<{ createExperiment: { id: string } }>(
      'mutation { createExperiment(name: "mixed") { id } }',
    );
    const linked = await call<{ createRun: { id: string } }>(
      'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }',
      { e: experiment.createExperiment.id },
    );
    const started = await call<{ startWorkflow: { id: string } }>(
      'mutation($r: ID!) { startWorkflow(workflow: "mixed", input: { x: 20 }, experimentRunId: $r) { id } }',
      { r: linked.createRun.id },
    );
    await finished(started.startWorkflow.id, 'the mixed pipeline to finish');
    const done = await status(started.startWorkflow.id);
    expect(done, output).toMatchObject({
      status: 'COMPLETED',
      result: { z: 41 },
      steps: [
        { stepId: 'double', status: 'COMPLETED', output: { y: 40 } },
        { stepId: 'add', status: 'COMPLETED', output: { z: 41 } },
      ],
    });
    const run = await call<{ run: { metrics: { key: string; value: number }[] } }>(
      'query($id: ID!) { run(id: $id) { metrics { key value } } }',
      { id: linked.createRun.id },
    );
    expect(run.run.metrics).toContainEqual({ key: 'doubled', value: 40 });
  }, 120_000);

  it("a cancelled run stops the Python step at its next progress; a step's error is the run's", async () => {
    await call(`mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }`, {
      d: { name: 'waiter', taskQueue: 'mixed', steps: [{ id: 'wait', activity: 'py.wait' }] },
    });
    const waiting = (
      await call<{ startWorkflow: { id: string } }>('mutation { startWorkflow(workflow: "waiter") { id } }')
    ).startWorkflow.id;
    await waitFor(
      'the Python step to report progress',
      async () => (await status(waiting)).status === 'RUNNING',
      {
        timeoutMs: 30_000,
      },
    );
    await call('mutation($id: ID!) { cancelWorkflowRun(id: $id) { id } }', { id: waiting });
    await finished(waiting, 'the cancelled run to end');
    expect((await status(waiting)).status).toBe('CANCELLED');

    await call(`mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }`, {
      d: {
        name: 'exploder',
        taskQueue: 'mixed',
        steps: [{ id: 'boom', activity: 'py.explode', input: { batch: '$input.batch' } }],
      },
    });
    const failing = (
      await call<{ startWorkflow: { id: string } }>(
        'mutation { startWorkflow(workflow: "exploder", input: { batch: 7 }) { id } }',
      )
    ).startWorkflow.id;
    await finished(failing, 'the failing run to end');
    expect(await status(failing)).toMatchObject({
      status: 'FAILED',
      error: { type: 'BadBatch', message: expect.stringContaining('batch 7 has no labels') },
    });
  }, 150_000);
});
