import { type ChildProcess, spawn } from 'node:child_process';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, servedJarvis, startTemporal, type TemporalServer, waitFor } from '@jarvis/testkit';
import { createWorker, type JarvisWorker } from '@jarvis/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedSdk } from './installedSdk.ts';

interface Status {
  status: string;
  result: unknown;
  error: { type: string; message: string } | null;
  steps: { stepId: string; status: string; attempt: number; output: unknown }[];
}

/**
 * One pipeline, half its steps in a Python worker and half in a TypeScript one, on each engine.
 * On the local engine both workers poll one task queue (a poll names its activities); on
 * Temporal a task queue is served by whoever polls it, so the Python steps name their own.
 */
describe.each(['local', 'temporal'] as const)(
  'a pipeline with Python and TypeScript steps on the %s engine',
  (engine) => {
    let sdk: Awaited<ReturnType<typeof installedSdk>>;
    let temporal: TemporalServer | undefined;
    let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
    let key: string;
    let pythonWorker: ChildProcess;
    let output = '';
    let tsWorker: JarvisWorker;
    const pythonQueue = engine === 'local' ? 'mixed' : 'mixed-python';

    const call = async <T>(query: string, variables: Record<string, unknown> = {}) => {
      const result = await gql<T>(jarvis.url, query, variables, { authorization: `Bearer ${key}` });
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      return result.data!;
    };
    const status = async (id: string) =>
      (
        await call<{ workflowRun: Status }>(
          'query($id: ID!) { workflowRun(id: $id) { status result error { type message } steps { stepId status attempt output } } }',
          { id },
        )
      ).workflowRun;
    const finished = (id: string, what: string) =>
      waitFor(what, async () => !['PENDING', 'RUNNING'].includes((await status(id)).status), {
        timeoutMs: 90_000,
      });
    const register = (d: Record<string, unknown>) =>
      call('mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }', { d });
    const start = async (workflow: string, input: unknown = {}, experimentRunId?: string) =>
      (
        await call<{ startWorkflow: { id: string } }>(
          'mutation($w: String!, $i: JSON, $r: ID) { startWorkflow(workflow: $w, input: $i, experimentRunId: $r) { id } }',
          { w: workflow, i: input, r: experimentRunId ?? null },
        )
      ).startWorkflow.id;

    beforeAll(async () => {
      sdk = await installedSdk();
      if (engine === 'temporal') temporal = await startTemporal();
      // The test's own GraphQL is raw; the SDK's on a trusted-only router is pythonSdk.int.test.ts's.
      jarvis = await servedJarvis({
        auth: { mode: 'keys' },
        ...(temporal
          ? {
              services: {
                workflow: { type: 'temporal', endpoint: temporal.address, namespace: temporal.namespace },
              },
            }
          : {}),
      });
      const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
      key = (await identity.issueKey({ projectId: 'default', name: 'pipelines', role: 'editor' })).secret;
      pythonWorker = spawn(
        sdk.python,
        [new URL('./python/mixed_worker.py', import.meta.url).pathname, pythonQueue],
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
      await waitFor(
        `the Python worker to start on the ${engine} engine`,
        async () => {
          if (pythonWorker.exitCode !== null) throw new Error(`the Python worker exited: ${output}`);
          return output.includes(`worker ready on the ${engine} engine`);
        },
        { timeoutMs: 60_000 },
      );
      tsWorker = await createWorker({
        jarvis: jarvis.url,
        token: key,
        taskQueue: 'mixed',
        activities: { 'ts.add': async (input: { y: number }) => ({ z: input.y + 1 }) },
      });
      expect(tsWorker.engine).toBe(engine);
      const py = (id: string, activity: string, more: Record<string, unknown> = {}) => ({
        id,
        activity,
        taskQueue: pythonQueue,
        ...more,
      });
      await register({
        name: 'mixed',
        taskQueue: 'mixed',
        steps: [
          py('double', 'py.double', { input: { x: '$input.x' } }),
          { id: 'add', activity: 'ts.add', input: { y: '$steps.double.output.y' }, dependsOn: ['double'] },
        ],
        output: { z: '$steps.add.output.z' },
      });
      await register({
        name: 'waiter',
        taskQueue: 'mixed',
        steps: [py('wait', 'py.wait', { heartbeatTimeoutMs: 5_000 })],
      });
      await register({
        name: 'exploder',
        taskQueue: 'mixed',
        steps: [py('boom', 'py.explode', { input: { batch: '$input.batch' } })],
      });
      await register({
        name: 'flaky',
        taskQueue: 'mixed',
        steps: [py('fetch', 'py.flaky', { retry: { initialIntervalMs: 200, maximumAttempts: 3 } })],
      });
    }, 300_000);
    afterAll(async () => {
      pythonWorker?.kill();
      await tsWorker?.shutdown();
      await jarvis?.[Symbol.asyncDispose]();
      await temporal?.stop();
      sdk?.remove();
    });

    it('runs each step in its language, in order, and logs to the linked experiment run', async () => {
      const experiment = await call<{ createExperiment: { id: string } }>(
        `mutation { createExperiment(name: "mixed-${engine}") { id } }`,
      );
      const linked = await call<{ createRun: { id: string } }>(
        'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }',
        { e: experiment.createExperiment.id },
      );
      const id = await start('mixed', { x: 20 }, linked.createRun.id);
      await finished(id, 'the mixed pipeline to finish');
      expect(await status(id), output).toMatchObject({
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
      const events = await call<{
        workflowRun: {
          events: { type: string; stepId: string; progress: number; message: string; data: unknown }[];
        };
      }>('query($id: ID!) { workflowRun(id: $id) { events { type stepId progress message data } } }', { id });
      expect(events.workflowRun.events).toContainEqual(
        expect.objectContaining({
          type: 'STEP_PROGRESS',
          stepId: 'double',
          progress: 0.5,
          message: 'doubling',
        }),
      );
      expect(events.workflowRun.events).toContainEqual(
        expect.objectContaining({
          type: 'LOG',
          stepId: 'double',
          message: 'doubling',
          data: expect.objectContaining({ level: 'info' }),
        }),
      );
    }, 120_000);

    it('a failed attempt is retried (the retry announced) and the next one is the step', async () => {
      const id = await start('flaky');
      await finished(id, 'the flaky pipeline to finish');
      expect(await status(id), output).toMatchObject({
        status: 'COMPLETED',
        steps: [{ stepId: 'fetch', status: 'COMPLETED', attempt: 2, output: { attempt: 2 } }],
      });
      const events = await call<{
        workflowRun: { events: { type: string; attempt: number; data: unknown }[] };
      }>('query($id: ID!) { workflowRun(id: $id) { events { type attempt data } } }', { id });
      expect(events.workflowRun.events).toContainEqual(
        expect.objectContaining({
          type: 'STEP_RETRYING',
          attempt: 1,
          data: expect.objectContaining({ error: expect.objectContaining({ type: 'Flaky' }) }),
        }),
      );
      expect(events.workflowRun.events).toContainEqual(
        expect.objectContaining({ type: 'STEP_STARTED', attempt: 2 }),
      );
    }, 120_000);

    it("a cancelled run stops the Python step at its next progress; a step's error is the run's", async () => {
      const waiting = await start('waiter');
      await waitFor(
        'the Python step to report progress',
        async () => (await status(waiting)).steps[0]?.status === 'RUNNING',
        { timeoutMs: 30_000 },
      );
      await call('mutation($id: ID!) { cancelWorkflowRun(id: $id) { id } }', { id: waiting });
      await finished(waiting, 'the cancelled run to end');
      expect(await status(waiting)).toMatchObject({ status: 'CANCELLED', steps: [{ status: 'CANCELLED' }] });
      // The run's history ends with its ending, though the step ticked every 50 ms until it heard.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const history = (
        await call<{ workflowRun: { events: { type: string }[] } }>(
          'query($id: ID!) { workflowRun(id: $id) { events { type } } }',
          { id: waiting },
        )
      ).workflowRun.events.map((e) => e.type);
      expect(history.at(-1)).toBe('RUN_CANCELLED');
      // And the step itself stopped, knowing why.
      await waitFor(
        'the Python step to stop',
        async () => output.includes(`${waiting} stopped: RUN_CANCELLED`),
        {
          timeoutMs: 30_000,
        },
      );

      const failing = await start('exploder', { batch: 7 });
      await finished(failing, 'the failing run to end');
      expect(await status(failing)).toMatchObject({
        status: 'FAILED',
        error: { type: 'BadBatch', message: expect.stringContaining('batch 7 has no labels') },
        steps: [{ stepId: 'boom', status: 'FAILED', attempt: 1 }],
      });
    }, 150_000);
  },
);
