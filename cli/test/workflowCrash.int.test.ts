import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, gql, runJarvis, waitFor } from '@jarvis/testkit';
import { createWorker } from '@jarvis/worker';
import { expect, it } from 'vitest';

it('kill -9 of `jarvis dev` during a run, then a restart: the run resumes from its last completed step, and schedules keep firing', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-crash-'));
  const port = String(await freePort());
  const start = async () => {
    const jarvis = runJarvis(['dev', '--port', port], { JARVIS_HOME: home }, home);
    const [, url] = await jarvis.waitFor(/GraphiQL\s+(http:\/\/\S+)\/graphql/, 60_000);
    return { jarvis, url: url! };
  };
  const first = await start();
  const q = async <T>(query: string) => {
    const result = await gql<T>(first.url, query);
    expect(result.errors).toBeUndefined();
    return result.data!;
  };
  await q(`mutation { registerWorkflow(definition: { name: "durable", taskQueue: "crash", steps: [
    { id: "one", activity: "one" },
    { id: "two", activity: "two", dependsOn: ["one"] },
    { id: "three", activity: "three", dependsOn: ["two"] }
  ] }) { version } }`);
  const calls = { one: 0, two: 0, three: 0 };
  let release = false;
  // The worker is another process's (this test's): it outlives the crash and reports when Jarvis is back.
  await using _worker = await createWorker({
    jarvis: first.url,
    taskQueue: 'crash',
    activities: {
      one: async () => ++calls.one,
      two: async () => {
        calls.two += 1;
        await waitFor('the crash', async () => release, { timeoutMs: 60_000, intervalMs: 50 });
        return 'two';
      },
      three: async () => ++calls.three,
      beat: async () => 'beat',
    },
  });
  const { startWorkflow } = await q<{ startWorkflow: { id: string } }>(
    'mutation { startWorkflow(workflow: "durable") { id } }',
  );
  // A schedule made before the crash keeps firing after it.
  await q(
    'mutation { registerWorkflow(definition: { name: "heartbeat", taskQueue: "crash", steps: [{ id: "beat", activity: "beat" }] }) { version } }',
  );
  const { createSchedule } = await q<{ createSchedule: { id: string } }>(
    'mutation { createSchedule(input: { workflow: "heartbeat", cron: "*/2 * * * * *", overlap: ALLOW_ALL }) { id } }',
  );
  await waitFor('step two to run', async () => calls.two === 1, { timeoutMs: 20_000, intervalMs: 50 });

  first.jarvis.child.kill('SIGKILL');
  await first.jarvis.exited;
  release = true;
  const second = await start();
  try {
    let status = '';
    await waitFor(
      'the run to complete after the restart',
      async () => {
        const r = await gql<{ workflowRun: { status: string } }>(
          second.url,
          `{ workflowRun(id: "${startWorkflow.id}") { status } }`,
        );
        status = r.data?.workflowRun?.status ?? '';
        return status === 'COMPLETED' || status === 'FAILED';
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(status).toBe('COMPLETED');
    expect(calls).toEqual({ one: 1, two: 1, three: 1 });
    const run = await gql<{ workflowRun: { result: unknown } }>(
      second.url,
      `{ workflowRun(id: "${startWorkflow.id}") { result } }`,
    );
    expect(run.data!.workflowRun.result).toEqual({ one: 1, two: 'two', three: 1 });
    const restartedAt = new Date().toISOString();
    await waitFor(
      'the schedule to fire after the restart',
      async () => {
        const runs = await gql<{ workflowRuns: { totalCount: number } }>(
          second.url,
          `{ workflowRuns(filter: { scheduleId: "${createSchedule.id}", status: [COMPLETED], startedAfter: "${restartedAt}" }) { totalCount } }`,
        );
        return (runs.data?.workflowRuns.totalCount ?? 0) >= 1;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
  } finally {
    second.jarvis.child.kill('SIGTERM');
    await second.jarvis.exited;
  }
});
