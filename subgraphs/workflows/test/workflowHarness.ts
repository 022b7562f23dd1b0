import type { Jarvis } from '@jarvis/app';
import type { JarvisConfigInput } from '@jarvis/config';
import { gql, testJarvis } from '@jarvis/testkit';
import { type Activity, createWorker, type JarvisWorker, type WorkflowsConnection } from '@jarvis/worker';
import { inProcessConnection } from '../src/index.ts';

/** A Jarvis with one workflow engine, driven through the router like a component would. */
export interface WorkflowHarness extends AsyncDisposable {
  engine: 'local' | 'temporal';
  jarvis: Jarvis;
  connection: WorkflowsConnection;
  /** GraphQL through the router; throws on errors unless `allowErrors`. */
  q<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  errors(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ message: string; extensions?: Record<string, unknown> }[]>;
  // biome-ignore lint/suspicious/noExplicitAny: activities declare their own shapes.
  worker(taskQueue: string, activities: Record<string, Activity<any, any>>): Promise<JarvisWorker>;
  /** Waits for the run to reach one of the statuses; returns the run with its steps. */
  waitForRun(id: string, statuses: string[], timeoutMs?: number): Promise<RunView>;
  events(id: string): Promise<EventView[]>;
}

export interface RunView {
  id: string;
  status: string;
  progress: number;
  result: unknown;
  error: { type: string; message: string } | null;
  retryOf: { id: string } | null;
  schedule: { id: string } | null;
  steps: {
    stepId: string;
    status: string;
    attempt: number;
    output: unknown;
    error: { type: string; message: string } | null;
    childRun: { id: string; status: string } | null;
  }[];
}

export interface EventView {
  sequence: number;
  type: string;
  stepId: string | null;
  attempt: number | null;
  progress: number | null;
  message: string | null;
  data: Record<string, unknown> | null;
  at: string;
}

const RUN_FIELDS = `id status progress result error { type message } retryOf { id } schedule { id }
  steps { stepId status attempt output error { type message } childRun { id status } }`;

export async function workflowHarness(config: JarvisConfigInput): Promise<WorkflowHarness> {
  const jarvis = await testJarvis(config);
  const workers: JarvisWorker[] = [];
  const q = async <T>(query: string, variables?: Record<string, unknown>) => {
    const result = await gql<T>(jarvis.router.fetch, query, variables);
    if (result.errors?.length) throw new Error(`GraphQL: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  };
  const module = jarvis.subgraphs.find((s) => s.name === 'workflows')!;
  const connection = inProcessConnection(module, (query, variables) => q(query, variables));
  const harness: WorkflowHarness = {
    engine: (config.services?.workflow?.type ?? 'local') as 'local' | 'temporal',
    jarvis,
    connection,
    q,
    async errors(query, variables) {
      return (await gql(jarvis.router.fetch, query, variables)).errors ?? [];
    },
    async worker(taskQueue, activities) {
      const worker = await createWorker({ jarvis: connection, taskQueue, activities });
      workers.push(worker);
      return worker;
    },
    async waitForRun(id, statuses, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const { workflowRun } = await q<{ workflowRun: RunView }>(
          `query($id: ID!) { workflowRun(id: $id) { ${RUN_FIELDS} } }`,
          { id },
        );
        if (statuses.includes(workflowRun.status)) return workflowRun;
        if (Date.now() > until)
          throw new Error(
            `run ${id} is ${workflowRun.status}, not ${statuses.join('/')}: ${JSON.stringify(workflowRun)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async events(id) {
      const { workflowRun } = await q<{ workflowRun: { events: EventView[] } }>(
        'query($id: ID!) { workflowRun(id: $id) { events { sequence type stepId attempt progress message data at } } }',
        { id },
      );
      return workflowRun.events;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(
        workers.map((w) =>
          Promise.race([w.shutdown().catch(() => {}), new Promise((r) => setTimeout(r, 3_000))]),
        ),
      );
      await jarvis[Symbol.asyncDispose]();
    },
  };
  return harness;
}
