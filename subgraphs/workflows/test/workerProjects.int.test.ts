import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, servedJarvis, waitFor } from '@jarvis/testkit';
import { createWorker } from '@jarvis/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// On a shared Jarvis, a worker works for its key's project: it never receives another
// project's tasks, and cannot report on them.
describe('workers and projects', () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let teamKey: string;
  let strangerKey: string;
  const q = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const result = await gql<T>(jarvis.url, query, variables, { authorization: `Bearer ${teamKey}` });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };

  beforeAll(async () => {
    jarvis = await servedJarvis({ auth: { mode: 'keys' } });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    await identity.createProjectAsOperator('stranger');
    teamKey = (await identity.issueKey({ projectId: 'default', name: 'team-worker', role: 'launcher' }))
      .secret;
    strangerKey = (
      await identity.issueKey({ projectId: 'stranger', name: 'stranger-worker', role: 'launcher' })
    ).secret;
    const admin = (await identity.issueKey({ projectId: 'default', name: 'admin', role: 'editor' })).secret;
    const registered = await gql(
      jarvis.url,
      'mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }',
      { d: { name: 'shared-queue', taskQueue: 'shared', steps: [{ id: 'work', activity: 'work' }] } },
      { authorization: `Bearer ${admin}` },
    );
    expect(registered.errors).toBeUndefined();
  }, 60_000);
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('gives a project’s tasks only to its own workers', { timeout: 60_000 }, async () => {
    const { startWorkflow } = await q<{ startWorkflow: { id: string } }>(
      'mutation { startWorkflow(workflow: "shared-queue") { id } }',
    );
    const strangers: string[] = [];
    await using _stranger = await createWorker({
      jarvis: jarvis.url,
      token: strangerKey,
      taskQueue: 'shared',
      activities: {
        work: async (_input, ctx) => {
          strangers.push(ctx.runId);
          return 'stolen';
        },
      },
    });
    // The stranger polls the same queue for a while and gets nothing.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(strangers).toEqual([]);
    const pending = await q<{ workflowRun: { status: string } }>(
      'query($id: ID!) { workflowRun(id: $id) { status } }',
      {
        id: startWorkflow.id,
      },
    );
    expect(pending.workflowRun.status).toBe('RUNNING');
    // Knowing the run's id, it still cannot report on it.
    const forged = await fetch(`${jarvis.url}/workflows/worker/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${strangerKey}` },
      body: JSON.stringify({ token: `${startWorkflow.id}/work/1`, output: 'forged' }),
    });
    expect(forged.status).toBe(404);
    await using _team = await createWorker({
      jarvis: jarvis.url,
      token: teamKey,
      taskQueue: 'shared',
      activities: { work: async () => 'done by the team' },
    });
    const done = await waitFor(
      'the team worker to complete the run',
      async () => {
        const { workflowRun } = await q<{ workflowRun: { status: string; result: unknown } }>(
          'query($id: ID!) { workflowRun(id: $id) { status result } }',
          { id: startWorkflow.id },
        );
        return workflowRun.status === 'COMPLETED' ? workflowRun : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(done.result).toEqual({ work: 'done by the team' });
    expect(strangers).toEqual([]);
  });

  it('refuses a worker without a key', async () => {
    const response = await fetch(`${jarvis.url}/workflows/worker/poll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ taskQueue: 'shared', activities: ['work'], timeoutMs: 1 }),
    });
    expect(response.status).toBe(401);
  });
});
