import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHarness } from './workflowHarness.ts';

const REGISTER =
  'mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name version } }';
const START = `mutation($w: String!, $input: JSON, $key: String, $component: String) {
  startWorkflow(workflow: $w, input: $input, idempotencyKey: $key, component: $component) { id status } }`;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/**
 * What every workflow engine must do, checked through the router as a component sees it. Each
 * test registers its own workflow on its own task queue, so tests share one Jarvis.
 */
export function workflowEngineContract(
  name: string,
  setup: () => Promise<WorkflowHarness>,
  /** A second Jarvis on the same state, for crash-and-resume. */
  restartable: () => Promise<{
    first: () => Promise<WorkflowHarness>;
    again: () => Promise<WorkflowHarness>;
  }>,
) {
  describe(`workflow engine contract: ${name}`, () => {
    let h: WorkflowHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.[Symbol.asyncDispose]();
    });

    const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
    const register = (definition: Record<string, unknown>) => h.q(REGISTER, { d: definition });
    const start = async (workflow: string, input: unknown = {}, extra: Record<string, unknown> = {}) =>
      (await h.q<{ startWorkflow: { id: string } }>(START, { w: workflow, input, ...extra })).startWorkflow
        .id;

    it('runs a three-step pipeline, mapping inputs and outputs, with progress events in order', async () => {
      const queue = unique('q');
      const wf = unique('etl');
      await register({
        name: wf,
        taskQueue: queue,
        inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
        steps: [
          { id: 'extract', activity: 'extract', input: { n: '$input.n' } },
          { id: 'double', activity: 'double', input: { rows: '$steps.extract.output.rows' } },
          { id: 'load', activity: 'load', input: { rows: '$steps.double.output', label: '$$literal' } },
        ],
        output: { loaded: '$steps.load.output.count' },
      });
      await h.worker(queue, {
        extract: async (input: { n: number }, ctx) => {
          await ctx.progress(0.5, 'half way');
          ctx.log.info('extracting', { n: input.n });
          return { rows: Array.from({ length: input.n }, (_, i) => i + 1) };
        },
        double: async (input: { rows: number[] }) => input.rows.map((r) => r * 2),
        load: async (input: { rows: number[]; label: string }) => ({
          count: input.rows.length,
          sum: input.rows.reduce((a, b) => a + b, 0),
          label: input.label,
        }),
      });
      const id = await start(wf, { n: 3 });
      const run = await h.waitForRun(id, ['COMPLETED', 'FAILED']);
      expect(run.status).toBe('COMPLETED');
      expect(run.result).toEqual({ loaded: 3 });
      expect(run.progress).toBe(1);
      expect(run.steps.map((s) => [s.stepId, s.status])).toEqual([
        ['extract', 'COMPLETED'],
        ['double', 'COMPLETED'],
        ['load', 'COMPLETED'],
      ]);
      expect(run.steps[2]!.output).toEqual({ count: 3, sum: 12, label: '$literal' });
      const events = await h.events(id);
      expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
      const story = events
        .filter((e) => e.type !== 'LOG')
        .map((e) => `${e.type}${e.stepId ? `:${e.stepId}` : ''}`);
      expect(story).toEqual([
        'RUN_STARTED',
        'STEP_STARTED:extract',
        'STEP_PROGRESS:extract',
        'STEP_COMPLETED:extract',
        'STEP_STARTED:double',
        'STEP_COMPLETED:double',
        'STEP_STARTED:load',
        'STEP_COMPLETED:load',
        'RUN_COMPLETED',
      ]);
      expect(events.find((e) => e.type === 'STEP_PROGRESS')).toMatchObject({
        progress: 0.5,
        message: 'half way',
      });
      const log = events.find((e) => e.type === 'LOG');
      expect(log).toMatchObject({
        stepId: 'extract',
        message: 'extracting',
        data: { level: 'info', data: { n: 3 } },
      });
    });

    it('retries a failing step with exponential backoff, then succeeds', async () => {
      const queue = unique('q');
      const wf = unique('flaky');
      await register({
        name: wf,
        taskQueue: queue,
        steps: [
          {
            id: 'call',
            activity: 'call',
            retry: { initialIntervalMs: 300, backoffCoefficient: 2, maximumAttempts: 5 },
          },
        ],
      });
      const attempts: number[] = [];
      await h.worker(queue, {
        call: async (_input: unknown, ctx) => {
          attempts.push(Date.now());
          if (ctx.attempt < 3)
            throw Object.assign(new Error(`flaked on attempt ${ctx.attempt}`), { name: 'Flaky' });
          return { attempt: ctx.attempt };
        },
      });
      const id = await start(wf);
      const run = await h.waitForRun(id, ['COMPLETED', 'FAILED']);
      expect(run.status).toBe('COMPLETED');
      expect(run.steps[0]).toMatchObject({ attempt: 3, output: { attempt: 3 } });
      // 300 ms after the first failure, 600 ms after the second.
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(280);
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(580);
      const retrying = (await h.events(id)).filter((e) => e.type === 'STEP_RETRYING');
      expect(retrying.map((e) => e.attempt)).toEqual([1, 2]);
      expect(retrying[0]!.data).toMatchObject({ error: { type: 'Flaky', message: 'flaked on attempt 1' } });
      expect(
        Date.parse(String(retrying[1]!.data!.nextAttemptAt)) - Date.parse(retrying[1]!.at),
      ).toBeGreaterThanOrEqual(550);
    });

    it('fails at once on a non-retryable error type', async () => {
      const queue = unique('q');
      const wf = unique('strict');
      await register({
        name: wf,
        taskQueue: queue,
        steps: [
          {
            id: 'check',
            activity: 'check',
            retry: { initialIntervalMs: 100, maximumAttempts: 5, nonRetryableErrorTypes: ['BadData'] },
          },
        ],
      });
      let calls = 0;
      await h.worker(queue, {
        check: async () => {
          calls += 1;
          throw Object.assign(new Error('row 7 has no label'), { name: 'BadData' });
        },
      });
      const run = await h.waitForRun(await start(wf), ['FAILED', 'COMPLETED']);
      expect(run.status).toBe('FAILED');
      expect(calls).toBe(1);
      expect(run.error).toMatchObject({ type: 'BadData' });
      expect(run.error!.message).toContain('row 7 has no label');
      expect(run.steps[0]).toMatchObject({ status: 'FAILED', error: { type: 'BadData' } });
    });

    it('times out an attempt that runs past its start-to-close timeout', async () => {
      const queue = unique('q');
      const wf = unique('slow');
      await register({
        name: wf,
        taskQueue: queue,
        steps: [
          { id: 'slow', activity: 'slow', startToCloseTimeoutMs: 1_000, retry: { maximumAttempts: 1 } },
        ],
      });
      let aborted: unknown;
      await h.worker(queue, {
        slow: async (_input: unknown, ctx) => {
          await sleep(60_000, ctx.signal).catch((e) => {
            aborted = e;
            throw e;
          });
        },
      });
      const run = await h.waitForRun(await start(wf), ['FAILED', 'COMPLETED', 'TIMED_OUT'], 120_000);
      expect(run.status).toBe('FAILED');
      expect(run.error!.type).toBe('StartToCloseTimeout');
      await expect
        .poll(() => aborted, { timeout: 60_000 })
        .toMatchObject({ name: 'ActivityAborted', reason: 'ATTEMPT_TIMED_OUT' });
    });

    const stops = [
      { cause: 'cancelWorkflowRun', reason: 'RUN_CANCELLED', status: 'CANCELLED' },
      { cause: 'terminateWorkflowRun', reason: 'RUN_TERMINATED', status: 'TERMINATED' },
      { cause: 'its execution timeout', reason: 'RUN_TIMED_OUT', status: 'TIMED_OUT' },
      { cause: 'a sibling step failing', reason: 'RUN_FAILED', status: 'FAILED' },
    ] as const;
    it.each(stops)(
      'tells a running activity why it stopped ($cause → $reason) and ends its step in the stream',
      async ({ cause, reason, status }) => {
        const queue = unique('q');
        const wf = unique('stopped');
        await register({
          name: wf,
          taskQueue: queue,
          ...(status === 'TIMED_OUT' ? { executionTimeoutMs: 2_000 } : {}),
          steps: [
            { id: 'work', activity: 'work', retry: { maximumAttempts: 1 } },
            ...(status === 'FAILED' ? [{ id: 'boom', activity: 'boom', retry: { maximumAttempts: 1 } }] : []),
          ],
        });
        let started = false;
        let stoppedWith: unknown;
        await h.worker(queue, {
          work: async (_input: unknown, ctx) => {
            started = true;
            await sleep(120_000, ctx.signal).catch((error) => {
              stoppedWith = error;
              throw error;
            });
          },
          boom: async () => {
            await expect.poll(() => started, { timeout: 60_000 }).toBe(true);
            throw Object.assign(new Error('disk full'), { name: 'DiskFull', nonRetryable: true });
          },
        });
        const id = await start(wf);
        await expect.poll(() => started, { timeout: 60_000 }).toBe(true);
        if (status === 'CANCELLED' || status === 'TERMINATED')
          await h.q(`mutation($id: ID!) { ${cause}(id: $id) { status } }`, { id });
        await expect
          .poll(() => stoppedWith, { timeout: 60_000 })
          .toMatchObject({ name: 'ActivityAborted', reason });
        expect((await h.waitForRun(id, [status], 60_000)).steps[0]).toMatchObject({
          stepId: 'work',
          status: 'CANCELLED',
        });
        const events = await h.events(id);
        const types = JSON.stringify(events.map((e) => `${e.type}:${e.stepId ?? ''}`));
        const stepEnd = events.findIndex((e) => e.type === 'STEP_CANCELLED' && e.stepId === 'work');
        expect(stepEnd, types).toBeGreaterThanOrEqual(0);
        expect(events.at(-1)!.type, types).toBe(`RUN_${status}`);
        expect(stepEnd, types).toBeLessThan(events.length - 1);
      },
    );

    it('cancels a run mid-activity: the activity sees its abort signal', async () => {
      const queue = unique('q');
      const wf = unique('long');
      await register({
        name: wf,
        taskQueue: queue,
        steps: [
          { id: 'train', activity: 'train' },
          { id: 'after', activity: 'after', dependsOn: ['train'] },
        ],
      });
      let started = false;
      let sawAbort = false;
      let afterRan = false;
      await h.worker(queue, {
        train: async (_input: unknown, ctx) => {
          started = true;
          await ctx.progress(0.1, 'epoch 1');
          await sleep(30_000, ctx.signal).catch((error) => {
            sawAbort = ctx.signal.aborted;
            throw error;
          });
        },
        after: async () => {
          afterRan = true;
        },
      });
      const id = await start(wf);
      await expect.poll(() => started, { timeout: 10_000 }).toBe(true);
      const { cancelWorkflowRun } = await h.q<{ cancelWorkflowRun: { status: string } }>(
        'mutation($id: ID!) { cancelWorkflowRun(id: $id) { status } }',
        { id },
      );
      expect(cancelWorkflowRun.status).toBe('CANCELLED');
      await expect.poll(() => sawAbort, { timeout: 5_000 }).toBe(true);
      const run = await h.waitForRun(id, ['CANCELLED']);
      expect(run.steps.find((s) => s.stepId === 'after')!.status).toBe('CANCELLED');
      expect(afterRan).toBe(false);
      const events = await h.events(id);
      expect(events.at(-1)!.type).toBe('RUN_CANCELLED');
      // The running step ends visibly in the stream too, before the run.
      const stepEnd = events.findIndex((e) => e.type === 'STEP_CANCELLED' && e.stepId === 'train');
      expect(stepEnd, JSON.stringify(events.map((e) => e.type))).toBeGreaterThanOrEqual(0);
      expect(stepEnd).toBeLessThan(events.length - 1);
      const again = await h.errors('mutation($id: ID!) { cancelWorkflowRun(id: $id) { status } }', { id });
      expect(again[0]!.extensions!.code).toBe('CONFLICT');
      expect(again[0]!.message).toContain('already CANCELLED');
    });

    it('retries a failed run from its failed step, reusing what completed', async () => {
      const queue = unique('q');
      const wf = unique('resume');
      await register({
        name: wf,
        taskQueue: queue,
        steps: [
          { id: 'prepare', activity: 'prepare' },
          {
            id: 'train',
            activity: 'train',
            input: { data: '$steps.prepare.output' },
            retry: { maximumAttempts: 1 },
          },
        ],
      });
      let prepared = 0;
      let broken = true;
      await h.worker(queue, {
        prepare: async () => {
          prepared += 1;
          return { rows: 10 };
        },
        train: async (input: { data: { rows: number } }) => {
          if (broken) throw new Error('GPU fell off the bus');
          return { trainedOn: input.data.rows };
        },
      });
      const failedId = await start(wf);
      const failed = await h.waitForRun(failedId, ['FAILED', 'COMPLETED']);
      expect(failed.status).toBe('FAILED');
      broken = false;
      const { retryWorkflowRun } = await h.q<{ retryWorkflowRun: { id: string } }>(
        'mutation($id: ID!) { retryWorkflowRun(id: $id) { id } }',
        { id: failedId },
      );
      const run = await h.waitForRun(retryWorkflowRun.id, ['COMPLETED', 'FAILED']);
      expect(run.status).toBe('COMPLETED');
      expect(run.retryOf).toEqual({ id: failedId });
      expect(prepared).toBe(1);
      expect(run.steps[0]).toMatchObject({
        stepId: 'prepare',
        status: 'COMPLETED',
        attempt: 0,
        output: { rows: 10 },
      });
      expect(run.steps[1]).toMatchObject({ stepId: 'train', status: 'COMPLETED', output: { trainedOn: 10 } });
      const again = await h.errors('mutation($id: ID!) { retryWorkflowRun(id: $id) { id } }', { id: run.id });
      expect(again[0]!.extensions!.code).toBe('CONFLICT');
    });

    it('waits for a signal, and a timer, and passes the signal payload on', async () => {
      const queue = unique('q');
      const wf = unique('approval');
      await register({
        name: wf,
        taskQueue: queue,
        steps: [
          { id: 'cool', kind: 'TIMER', durationMs: 300 },
          { id: 'approve', kind: 'SIGNAL', signal: 'approved' },
          {
            id: 'deploy',
            activity: 'deploy',
            input: { by: '$steps.approve.output.by' },
            dependsOn: ['cool'],
          },
        ],
      });
      await h.worker(queue, { deploy: async (input: { by: string }) => ({ deployedBy: input.by }) });
      const id = await start(wf);
      await h.waitForRun(id, ['RUNNING']);
      await expect
        .poll(
          async () => (await h.waitForRun(id, ['RUNNING'])).steps.find((s) => s.stepId === 'approve')!.status,
          { timeout: 10_000 },
        )
        .toMatch(/WAITING|RUNNING/);
      await h.q(
        'mutation($id: ID!, $p: JSON) { signalWorkflowRun(id: $id, signal: "approved", payload: $p) { id } }',
        {
          id,
          p: { by: 'ada' },
        },
      );
      const run = await h.waitForRun(id, ['COMPLETED', 'FAILED']);
      expect(run.status).toBe('COMPLETED');
      expect(run.steps.find((s) => s.stepId === 'approve')!.output).toEqual({ by: 'ada' });
      expect(run.steps.find((s) => s.stepId === 'deploy')!.output).toEqual({ deployedBy: 'ada' });
      expect(run.steps.find((s) => s.stepId === 'cool')!.status).toBe('COMPLETED');
    });

    it('runs a child workflow as a step', async () => {
      const queue = unique('q');
      const child = unique('child');
      const parent = unique('parent');
      await register({
        name: child,
        taskQueue: queue,
        steps: [{ id: 'square', activity: 'square', input: { x: '$input.x' } }],
        output: '$steps.square.output',
      });
      await register({
        name: parent,
        taskQueue: queue,
        steps: [
          { id: 'sub', kind: 'CHILD_WORKFLOW', workflow: child, input: { x: '$input.x' } },
          { id: 'report', activity: 'report', input: { squared: '$steps.sub.output' } },
        ],
        output: '$steps.report.output',
      });
      await h.worker(queue, {
        square: async (input: { x: number }) => input.x * input.x,
        report: async (input: { squared: number }) => `squared: ${input.squared}`,
      });
      const run = await h.waitForRun(await start(parent, { x: 7 }), ['COMPLETED', 'FAILED']);
      expect(run.status).toBe('COMPLETED');
      expect(run.result).toBe('squared: 49');
      const sub = run.steps.find((s) => s.stepId === 'sub')!;
      expect(sub.output).toBe(49);
      expect(sub.childRun).toMatchObject({ status: 'COMPLETED' });
    });

    it('fires a cron schedule on time, shows next fire times, pauses and deletes', async () => {
      const queue = unique('q');
      const wf = unique('nightly');
      await register({ name: wf, taskQueue: queue, steps: [{ id: 'tick', activity: 'tick' }] });
      const fired: number[] = [];
      await h.worker(queue, { tick: async () => fired.push(Date.now()) });
      const { createSchedule } = await h.q<{ createSchedule: { id: string; nextFireTimes: string[] } }>(
        `mutation($i: ScheduleInput!) { createSchedule(input: $i) { id nextFireTimes(count: 3) } }`,
        { i: { workflow: wf, cron: '*/2 * * * * *', timezone: 'Europe/Berlin', overlap: 'SKIP' } },
      );
      const times = createSchedule.nextFireTimes.map((t) => Date.parse(t));
      expect(times).toHaveLength(3);
      expect(times[1]! - times[0]!).toBe(2_000);
      expect(new Date(times[0]!).getUTCSeconds() % 2).toBe(0);
      await expect.poll(() => fired.length, { timeout: 15_000, interval: 200 }).toBeGreaterThanOrEqual(2);
      // On time: each within a second and a half of an even second.
      for (const at of fired.slice(0, 2)) expect(at % 2_000).toBeLessThan(1_500);
      const { workflowRuns } = await h.q<{
        workflowRuns: { edges: { node: { schedule: { id: string } } }[] };
      }>('query($f: WorkflowRunFilter) { workflowRuns(filter: $f) { edges { node { schedule { id } } } } }', {
        f: { workflow: wf },
      });
      expect(workflowRuns.edges.length).toBeGreaterThanOrEqual(2);
      expect(workflowRuns.edges[0]!.node.schedule).toEqual({ id: createSchedule.id });
      const paused = await h.q<{ pauseSchedule: { paused: boolean; nextFireTimes: string[] } }>(
        'mutation($id: ID!) { pauseSchedule(id: $id, note: "maintenance") { paused nextFireTimes } }',
        { id: createSchedule.id },
      );
      expect(paused.pauseSchedule).toEqual({ paused: true, nextFireTimes: [] });
      await sleep(1_000);
      const count = fired.length;
      await sleep(3_000);
      expect(fired.length).toBe(count);
      await h.q('mutation($id: ID!) { triggerSchedule(id: $id) { id } }', { id: createSchedule.id });
      await expect.poll(() => fired.length, { timeout: 10_000 }).toBe(count + 1);
      await h.q('mutation($id: ID!) { deleteSchedule(id: $id) }', { id: createSchedule.id });
      expect(
        (
          await h.q<{ schedule: unknown }>('query($id: ID!) { schedule(id: $id) { id } }', {
            id: createSchedule.id,
          })
        ).schedule,
      ).toBeNull();
    });

    it('resumes a run after a crash from its last completed step', async () => {
      const { first, again } = await restartable();
      const queue = unique('q');
      const wf = unique('durable');
      const calls: Record<string, number> = { one: 0, two: 0, three: 0 };
      let block = true;
      const activities = {
        one: async () => {
          calls.one! += 1;
          return 1;
        },
        two: async (_input: unknown, ctx: { signal: AbortSignal }) => {
          calls.two! += 1;
          while (block) await sleep(100, ctx.signal);
          return 2;
        },
        three: async () => {
          calls.three! += 1;
          return 3;
        },
      };
      const a = await first();
      let id: string;
      try {
        await a.q(REGISTER, {
          d: {
            name: wf,
            taskQueue: queue,
            steps: [
              { id: 'one', activity: 'one' },
              { id: 'two', activity: 'two', dependsOn: ['one'], heartbeatTimeoutMs: 2_000 },
              { id: 'three', activity: 'three', dependsOn: ['two'] },
            ],
          },
        });
        await a.worker(queue, activities);
        id = (await a.q<{ startWorkflow: { id: string } }>(START, { w: wf })).startWorkflow.id;
        await expect.poll(() => calls.two, { timeout: 15_000 }).toBe(1);
      } finally {
        // The crash: Jarvis and its worker go away with step two in flight.
        await a[Symbol.asyncDispose]();
      }
      block = false;
      const b = await again();
      try {
        await b.worker(queue, activities);
        const run = await b.waitForRun(id, ['COMPLETED', 'FAILED'], 60_000);
        expect(run.status).toBe('COMPLETED');
        expect(calls.one).toBe(1);
        expect(calls.two).toBeGreaterThanOrEqual(2);
        expect(calls.three).toBe(1);
        expect(run.result).toEqual({ one: 1, two: 2, three: 3 });
      } finally {
        await b[Symbol.asyncDispose]();
      }
    });
  });
}
