import { fileURLToPath } from 'node:url';
import { freePort, startPostgres, startTemporal } from '@jarvis/testkit';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { workflowEngineContract } from './workflowEngineContract.ts';
import { workflowHarness } from './workflowHarness.ts';

const temporal = startTemporal();
const postgres = startPostgres();
afterAll(async () => {
  await (await temporal).stop();
  await (await postgres).destroy();
});

const onTemporal = async (database?: string) =>
  workflowHarness({
    services: { workflow: { type: 'temporal', endpoint: (await temporal).address } },
    ...(database ? { database: { url: database } } : {}),
  });

workflowEngineContract(
  'temporal engine',
  () => onTemporal(),
  async () => {
    const { url } = await postgres;
    return { first: () => onTemporal(url), again: () => onTemporal(url) };
  },
);

describe('Temporal engine specifics', () => {
  it('starts any Temporal workflow type by name on a task queue, signals it and sees its result', async () => {
    const { address } = await temporal;
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection,
      taskQueue: 'team-queue',
      workflowsPath: fileURLToPath(new URL('./fixtures/greetWorkflow.ts', import.meta.url)),
    });
    const running = worker.run();
    try {
      await using h = await onTemporal();
      const { startTemporalWorkflow } = await h.q<{ startTemporalWorkflow: { id: string; kind: string } }>(
        'mutation { startTemporalWorkflow(workflowType: "greet", taskQueue: "team-queue", args: ["ada"], component: "agents") { id kind } }',
      );
      expect(startTemporalWorkflow.kind).toBe('EXTERNAL');
      await h.q(
        'mutation($id: ID!) { signalWorkflowRun(id: $id, signal: "polite", payload: "good morning") { id } }',
        {
          id: startTemporalWorkflow.id,
        },
      );
      const run = await h.waitForRun(startTemporalWorkflow.id, ['COMPLETED', 'FAILED']);
      expect(run.status).toBe('COMPLETED');
      expect(run.result).toBe('good morning ada');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('services.workflow.task_queue and namespace: the pipeline workflow runs where the configuration says', async () => {
    const { address, otherNamespace } = await temporal;
    await using h = await workflowHarness({
      services: {
        workflow: {
          type: 'temporal',
          endpoint: address,
          namespace: otherNamespace,
          task_queue: 'jarvis-custom-pipelines',
        },
      },
    });
    await h.q('mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }', {
      d: { name: 'placed', steps: [{ id: 'pause', kind: 'TIMER', durationMs: 10 }] },
    });
    const { startWorkflow } = await h.q<{ startWorkflow: { id: string } }>(
      'mutation { startWorkflow(workflow: "placed") { id } }',
    );
    expect((await h.waitForRun(startWorkflow.id, ['COMPLETED', 'FAILED'], 120_000)).status).toBe('COMPLETED');
    // What Temporal itself recorded, through its own client.
    const connection = await Connection.connect({ address });
    try {
      const description = await new Client({ connection, namespace: otherNamespace }).workflow
        .getHandle(startWorkflow.id)
        .describe();
      expect(description.taskQueue).toBe('jarvis-custom-pipelines');
      expect(description.type).toBe('jarvisPipeline');
    } finally {
      await connection.close();
    }
  });

  it('answers BACKEND_UNAVAILABLE when Temporal is unreachable, starts nothing, and health shows it', async () => {
    const port = await freePort();
    await using h = await workflowHarness({
      services: { workflow: { type: 'temporal', endpoint: `127.0.0.1:${port}` } },
    });
    await h.q('mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }', {
      d: { name: 'offline', steps: [{ id: 'a', activity: 'a' }] },
    });
    const errors = await h.errors('mutation { startWorkflow(workflow: "offline") { id } }');
    expect(errors[0]!.extensions!.code).toBe('BACKEND_UNAVAILABLE');
    expect(errors[0]!.message).toContain(`Temporal at 127.0.0.1:${port} is unreachable`);
    const { workflowRuns } = await h.q<{ workflowRuns: { totalCount: number } }>(
      '{ workflowRuns { totalCount } }',
    );
    expect(workflowRuns.totalCount).toBe(0);
    const { health } = await h.q<{ health: { name: string; status: string; message: string | null }[] }>(
      '{ health { name status message } }',
    );
    expect(health.find((x) => x.name === 'temporal')).toMatchObject({ status: 'DOWN' });
  });
});
