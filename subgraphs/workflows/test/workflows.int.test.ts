import { collectSubscription, gql, servedJarvis, startPostgres, startRedis, waitFor } from '@jarvis/testkit';
import { createWorker } from '@jarvis/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Served = Awaited<ReturnType<typeof servedJarvis>>;

const REGISTER =
  'mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name version } }';

async function q<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
) {
  const result = await gql<T>(url, query, variables);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function runOf(url: string, id: string) {
  return (
    await q<{
      workflowRun: {
        status: string;
        result: unknown;
        error: { type: string } | null;
        steps: { stepId: string; status: string; attempt: number }[];
      };
    }>(
      url,
      'query($id: ID!) { workflowRun(id: $id) { status result error { type } steps { stepId status attempt } } }',
      { id },
    )
  ).workflowRun;
}

async function until(url: string, id: string, statuses: string[]) {
  let run = await runOf(url, id);
  await waitFor(
    `run ${id} to be ${statuses.join('/')}`,
    async () => {
      run = await runOf(url, id);
      return statuses.includes(run.status);
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return run;
}

describe('workflows through the router, with a worker in another process (HTTP task polling)', () => {
  let jarvis: Served;
  beforeAll(async () => {
    jarvis = await servedJarvis();
  });
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('registers, starts, streams events live (history first), retries with backoff and cancels mid-step', async () => {
    const url = jarvis.url;
    await q(url, REGISTER, {
      d: {
        name: 'train',
        taskQueue: 'gpu',
        inputSchema: {
          type: 'object',
          properties: { epochs: { type: 'integer', minimum: 1 } },
          required: ['epochs'],
        },
        steps: [
          { id: 'fetch', activity: 'fetch', retry: { initialIntervalMs: 200, backoffCoefficient: 2 } },
          { id: 'fit', activity: 'fit', input: { epochs: '$input.epochs', data: '$steps.fetch.output' } },
        ],
      },
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let fetches = 0;
    let aborted: unknown;
    await using worker = await createWorker({
      jarvis: url,
      taskQueue: 'gpu',
      activities: {
        fetch: async () => {
          fetches += 1;
          if (fetches === 1) throw Object.assign(new Error('bucket busy'), { name: 'Throttled' });
          return { rows: 100 };
        },
        fit: async (input: { epochs: number }, ctx) => {
          for (let epoch = 1; epoch <= input.epochs; epoch++) {
            await ctx.progress(epoch / input.epochs, `epoch ${epoch}/${input.epochs}`);
            if (epoch === 1) await gate;
          }
          if (input.epochs > 5)
            await new Promise((_, reject) => {
              const onAbort = () => {
                aborted = ctx.signal.reason;
                reject(ctx.signal.reason);
              };
              // The cancel may land during the progress reports above, before this listener exists.
              if (ctx.signal.aborted) onAbort();
              else ctx.signal.addEventListener('abort', onAbort);
            });
          return { loss: 0.1 };
        },
      },
    });
    expect(worker.engine).toBe('local');
    const started = await q<{ startWorkflow: { id: string; status: string } }>(
      url,
      'mutation { startWorkflow(workflow: "train", input: { epochs: 2 }, component: "toolchain") { id status } }',
    );
    const id = started.startWorkflow.id;
    await waitFor(
      'the first progress report',
      async () => (await runOf(url, id)).steps[1]!.status === 'RUNNING',
      {
        timeoutMs: 10_000,
        intervalMs: 50,
      },
    );
    // Subscribing late: what happened so far comes first, then the rest as it happens.
    await using events = collectSubscription<{
      workflowRunEvents: {
        sequence: number;
        type: string;
        stepId: string | null;
        progress: number | null;
        message: string | null;
        run: { status: string; component: string };
      };
    }>(
      url,
      'subscription($id: ID!) { workflowRunEvents(runId: $id) { sequence type stepId progress message run { status component } } }',
      { id },
    );
    await events.until((e) => e.some((x) => x.data?.workflowRunEvents.type === 'STEP_PROGRESS'));
    release();
    const all = (
      await events.until((e) => e.some((x) => x.data?.workflowRunEvents.type === 'RUN_COMPLETED'))
    ).map((e) => e.data!.workflowRunEvents);
    expect(all.map((e) => e.sequence)).toEqual(all.map((_, i) => i + 1));
    expect(all.map((e) => `${e.type}${e.stepId ? `:${e.stepId}` : ''}`)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED:fetch',
      'STEP_RETRYING:fetch',
      'STEP_STARTED:fetch',
      'STEP_COMPLETED:fetch',
      'STEP_STARTED:fit',
      'STEP_PROGRESS:fit',
      'STEP_PROGRESS:fit',
      'STEP_COMPLETED:fit',
      'RUN_COMPLETED',
    ]);
    expect(all[7]).toMatchObject({ progress: 1, message: 'epoch 2/2' });
    expect(all[0]!.run.component).toBe('toolchain');
    expect((await runOf(url, id)).steps[0]).toMatchObject({ status: 'COMPLETED', attempt: 2 });

    // A second run, cancelled while its step runs: the worker's activity sees the abort.
    const long = await q<{ startWorkflow: { id: string } }>(
      url,
      'mutation { startWorkflow(workflow: "train", input: { epochs: 6 }) { id } }',
    );
    await waitFor(
      'the long step',
      async () => (await runOf(url, long.startWorkflow.id)).steps[1]!.status === 'RUNNING',
      {
        timeoutMs: 10_000,
        intervalMs: 50,
      },
    );
    await q(url, 'mutation($id: ID!) { cancelWorkflowRun(id: $id) { status } }', {
      id: long.startWorkflow.id,
    });
    await waitFor('the activity to see its abort', async () => aborted !== undefined, { intervalMs: 50 });
    // A worker in another process hears why from its heartbeat's answer.
    expect(aborted).toMatchObject({ name: 'ActivityAborted', reason: 'RUN_CANCELLED' });
    expect((await runOf(url, long.startWorkflow.id)).status).toBe('CANCELLED');

    const listed = await q<{
      workflowRuns: { totalCount: number; edges: { node: { id: string; status: string } }[] };
    }>(
      url,
      'query { workflowRuns(filter: { workflow: "train", status: [CANCELLED], component: null }) { totalCount edges { node { id status } } } }',
    );
    expect(listed.workflowRuns.totalCount).toBe(1);
    expect(listed.workflowRuns.edges[0]!.node.id).toBe(long.startWorkflow.id);
    const byComponent = await q<{ workflowRuns: { totalCount: number } }>(
      url,
      'query { workflowRuns(filter: { component: "toolchain" }) { totalCount } }',
    );
    expect(byComponent.workflowRuns.totalCount).toBe(1);
  });

  it('refuses bad definitions and inputs with the exact place, and starts nothing', async () => {
    const url = jarvis.url;
    const problem = async (definition: Record<string, unknown>) => {
      const { errors } = await gql(url, REGISTER, { d: definition });
      return errors![0]!;
    };
    const cycle = await problem({
      name: 'loop',
      steps: [
        { id: 'a', activity: 'a', input: { x: '$steps.c.output' } },
        { id: 'b', activity: 'b', dependsOn: ['a'] },
        { id: 'c', activity: 'c', dependsOn: ['b'] },
      ],
    });
    expect(cycle.extensions!.code).toBe('BAD_USER_INPUT');
    expect(cycle.message).toMatch(/steps form a cycle: a → b → c → a|cycle/);
    const unknown = await problem({
      name: 'typo',
      steps: [
        { id: 'a', activity: 'a' },
        { id: 'b', activity: 'b', input: { rows: '$steps.aa.output.rows' } },
      ],
    });
    expect(unknown.message).toContain('steps[1] (b).input.rows: "aa" is not a step of this workflow');
    const mapping = await problem({
      name: 'bad-map',
      steps: [{ id: 'a', activity: 'a', input: { list: ['$inptu.x'] } }],
    });
    expect(mapping.message).toContain(
      'steps[0] (a).input.list[0]: "$inptu.x" must start with $input or $steps',
    );
    const missing = await problem({ name: 'no-activity', steps: [{ id: 'a' }] });
    expect(missing.message).toContain('steps[0] (a).activity: a ACTIVITY step needs activity');
    expect((missing.extensions!.problems as unknown[]).length).toBeGreaterThanOrEqual(1);

    await q(url, REGISTER, {
      d: {
        name: 'typed',
        inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
        steps: [{ id: 'a', activity: 'a' }],
      },
    });
    const before = await q<{ workflowRuns: { totalCount: number } }>(url, '{ workflowRuns { totalCount } }');
    const badInput = await gql(
      url,
      'mutation { startWorkflow(workflow: "typed", input: { n: "three" }) { id } }',
    );
    expect(badInput.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', pointer: '/n' });
    expect(badInput.errors![0]!.message).toContain('at /n: must be integer');
    const absent = await gql(url, 'mutation { startWorkflow(workflow: "typed", input: {}) { id } }');
    expect(absent.errors![0]!.extensions!.pointer).toBe('/n');
    const noSuch = await gql(url, 'mutation { startWorkflow(workflow: "nope") { id } }');
    expect(noSuch.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const noRun = await gql(url, 'mutation { cancelWorkflowRun(id: "no-such-run") { id } }');
    expect(noRun.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const cron = await gql(
      url,
      'mutation { createSchedule(input: { workflow: "typed", input: { n: 1 }, cron: "every tuesday" }) { id } }',
    );
    expect(cron.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(cron.errors![0]!.message).toContain('cron expression "every tuesday" does not parse');
    const zone = await gql(
      url,
      'mutation { createSchedule(input: { workflow: "typed", input: { n: 1 }, cron: "0 3 * * *", timezone: "Mars/Olympus" }) { id } }',
    );
    expect(zone.errors![0]!.message).toContain('"Mars/Olympus" is not an IANA time zone');
    const after = await q<{ workflowRuns: { totalCount: number }; schedules: unknown[] }>(
      url,
      '{ workflowRuns { totalCount } schedules { id } }',
    );
    expect(after.workflowRuns.totalCount).toBe(before.workflowRuns.totalCount);
    expect(after.schedules).toEqual([]);
  });

  it('returns the same run for the same idempotency key, and links the experiment run it logs into', async () => {
    const url = jarvis.url;
    await q(url, REGISTER, {
      d: { name: 'tracked', taskQueue: 'tracked', steps: [{ id: 'fit', activity: 'fit' }] },
    });
    await using _worker = await createWorker({
      jarvis: url,
      taskQueue: 'tracked',
      activities: {
        fit: async (_input: unknown, ctx) => {
          await ctx.run.logMetrics([
            { key: 'loss', value: 0.5, step: 1 },
            { key: 'loss', value: 0.25, step: 2 },
          ]);
          return 'ok';
        },
      },
    });
    const exp = await q<{ createExperiment: { id: string } }>(
      url,
      'mutation { createExperiment(name: "wf-linked") { id } }',
    );
    const run = await q<{ createRun: { id: string } }>(
      url,
      `mutation { createRun(input: { experimentId: "${exp.createExperiment.id}" }) { id } }`,
    );
    const start = (key: string) =>
      q<{ startWorkflow: { id: string } }>(
        url,
        'mutation($r: ID, $k: String) { startWorkflow(workflow: "tracked", experimentRunId: $r, idempotencyKey: $k) { id } }',
        {
          r: run.createRun.id,
          k: key,
        },
      );
    const first = await start('nightly-2026-11-24');
    const second = await start('nightly-2026-11-24');
    expect(second.startWorkflow.id).toBe(first.startWorkflow.id);
    await until(url, first.startWorkflow.id, ['COMPLETED']);
    const linked = await q<{
      workflowRun: {
        run: { id: string; metrics: { key: string; value: number }[]; workflowRuns: { id: string }[] };
      };
    }>(
      url,
      'query($id: ID!) { workflowRun(id: $id) { run { id metrics { key value } workflowRuns { id } } } }',
      { id: first.startWorkflow.id },
    );
    expect(linked.workflowRun.run.id).toBe(run.createRun.id);
    expect(linked.workflowRun.run.metrics).toEqual([{ key: 'loss', value: 0.25 }]);
    expect(linked.workflowRun.run.workflowRuns).toEqual([{ id: first.startWorkflow.id }]);
  });

  it('starts workflows on events: a new artifact, another workflow completing', async () => {
    const url = jarvis.url;
    await q(url, REGISTER, {
      d: {
        name: 'ingest',
        taskQueue: 'events',
        steps: [{ id: 'read', activity: 'read', input: { artifact: '$input.artifact' } }],
      },
    });
    await q(url, REGISTER, {
      d: { name: 'report', taskQueue: 'events', steps: [{ id: 'write', activity: 'write' }] },
    });
    const seen: unknown[] = [];
    await using _worker = await createWorker({
      jarvis: url,
      taskQueue: 'events',
      activities: {
        read: async (input: { artifact: unknown }) => seen.push(input.artifact),
        write: async () => 'written',
      },
    });
    await q(
      url,
      'mutation { createSchedule(input: { workflow: "ingest", trigger: { kind: ARTIFACT_CREATED, artifactName: "datasets/cats", artifactKind: "DATASET" } }) { id } }',
    );
    await q(
      url,
      'mutation { createSchedule(input: { workflow: "report", trigger: { kind: WORKFLOW_COMPLETED, workflow: "ingest" } }) { id } }',
    );
    const store = (name: string, kind: string) =>
      q(
        url,
        'mutation($i: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $i, contentBase64: $c) { id } }',
        {
          i: {
            name,
            kind,
            size: 4,
            sha256: '3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7',
          },
          c: Buffer.from('data').toString('base64'),
        },
      );
    await store('datasets/dogs', 'DATASET');
    await store('datasets/cats', 'MODEL');
    await store('datasets/cats', 'DATASET');
    await waitFor(
      'the ingest and report runs',
      async () => {
        const runs = await q<{
          workflowRuns: { edges: { node: { workflowName: string; status: string } }[] };
        }>(
          url,
          '{ workflowRuns(filter: { status: [COMPLETED] }) { edges { node { workflowName status } } } }',
        );
        const names = runs.workflowRuns.edges.map((e) => e.node.workflowName);
        return names.includes('ingest') && names.includes('report');
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: 'datasets/cats', kind: 'DATASET', version: 2 });
  });
});

describe('live progress across replicas (Redis pubsub, shared PostgreSQL)', () => {
  const engines = Promise.all([startPostgres(), startRedis()]);
  afterAll(async () => {
    const [pg, redis] = await engines;
    await redis.stop();
    await pg.destroy();
  });

  it('a subscriber on one replica sees progress of a run executed by another, filtered by workflow', async () => {
    const [pg, redis] = await engines;
    const config = { database: { url: pg.url }, pubsub: { type: 'redis' as const, url: redis.url } };
    await using a = await servedJarvis(config);
    await using b = await servedJarvis(config);
    await q(a.url, REGISTER, {
      d: { name: 'watched', taskQueue: 'replicas', steps: [{ id: 'work', activity: 'work' }] },
    });
    await q(a.url, REGISTER, {
      d: { name: 'ignored', taskQueue: 'replicas', steps: [{ id: 'work', activity: 'work' }] },
    });
    await using _worker = await createWorker({
      jarvis: a.url,
      taskQueue: 'replicas',
      activities: {
        work: async (_input: unknown, ctx) => {
          await ctx.progress(0.5, 'halfway');
          return 'done';
        },
      },
    });
    const before = b.runtime.pubsub.subscriberCount();
    await using changes = collectSubscription<{
      workflowRunsChanged: {
        type: string;
        status: string;
        progress: number | null;
        run: { workflowName: string };
      };
    }>(
      b.url,
      'subscription { workflowRunsChanged(filter: { workflow: "watched" }) { type status progress run { workflowName } } }',
    );
    await waitFor(
      'the subscription on replica b',
      async () => b.runtime.pubsub.subscriberCount() === before + 1,
      {
        timeoutMs: 10_000,
        intervalMs: 20,
      },
    );
    await q(a.url, 'mutation { startWorkflow(workflow: "ignored") { id } }');
    await q(a.url, 'mutation { startWorkflow(workflow: "watched") { id } }');
    const seen = (
      await changes.until((e) => e.some((x) => x.data?.workflowRunsChanged.type === 'RUN_COMPLETED'))
    ).map((e) => e.data!.workflowRunsChanged);
    expect(seen.every((c) => c.run.workflowName === 'watched')).toBe(true);
    expect(seen.find((c) => c.type === 'STEP_PROGRESS')).toMatchObject({ progress: 0.5, status: 'RUNNING' });
    expect(seen.at(-1)).toMatchObject({ type: 'RUN_COMPLETED', status: 'COMPLETED' });
  });
});
