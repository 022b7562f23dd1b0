import { TSAIComponent } from '@jarvis/sdk';
import { gql, servedJarvis, tcpProxy } from '@jarvis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openConsole } from './consolePage.ts';

let jarvis: Awaited<ReturnType<typeof servedJarvis>>;

beforeAll(async () => {
  jarvis = await servedJarvis();
}, 120_000);

afterAll(async () => {
  await jarvis?.[Symbol.asyncDispose]();
});

/** A promise the test resolves when it wants a step to finish. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

it('a pipeline started from the SDK moves through its steps on the page without a reload, and a cancel from the console ends it', async () => {
  await using component = new TSAIComponent('toolchain', { url: jarvis.url });
  const prepare = gate();
  const train = gate();
  // Disposed before the component: a failing test still lets the worker's steps end, so it can stop.
  await using _gates = {
    [Symbol.asyncDispose]: async () => {
      prepare.open();
      train.open();
    },
  };
  let trainStopped: string | undefined;
  await component.createWorker(
    {
      prepare: async () => {
        await prepare.opened;
        return { rows: 100 };
      },
      train: async (_input: unknown, ctx) => {
        await ctx.progress(0.25, 'epoch 1 of 4');
        await Promise.race([
          train.opened,
          new Promise((resolve) =>
            ctx.signal.addEventListener('abort', () => {
              trainStopped = String(ctx.signal.reason ?? 'aborted');
              resolve(undefined);
            }),
          ),
        ]);
        return { accuracy: 0.9 };
      },
      report: async () => ({ ok: true }),
    },
    { taskQueue: 'console-pipeline' },
  );
  await component.registerWorkflow({
    name: 'console-pipeline',
    taskQueue: 'console-pipeline',
    steps: [
      { id: 'prepare', activity: 'prepare' },
      { id: 'train', activity: 'train', dependsOn: ['prepare'] },
      { id: 'report', activity: 'report', dependsOn: ['train'] },
    ],
  });
  const started = await component.startWorkflow('console-pipeline', {});

  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/workflows`);
  await page.locator(`tr[data-workflow-run="${started.id}"] a`).click();
  const step = (id: string) => page.locator(`svg.graph [data-step="${id}"]`);
  const statusOf = (id: string) => step(id).getAttribute('data-status');
  await step('prepare').waitFor({ timeout: 30_000 });
  // A marker on the page's window: were the page reloaded, it would be gone.
  await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));
  await expect.poll(() => statusOf('prepare'), { timeout: 30_000 }).toBe('RUNNING');
  expect(await statusOf('train')).toBe('PENDING');
  expect(await statusOf('report')).toBe('PENDING');

  prepare.open();
  await expect.poll(() => statusOf('prepare'), { timeout: 30_000 }).toBe('COMPLETED');
  await expect.poll(() => statusOf('train'), { timeout: 30_000 }).toBe('RUNNING');
  expect(await statusOf('report')).toBe('PENDING');
  await browser.screenshot('workflow-run');

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect.poll(() => page.locator('h1 .badge').innerText(), { timeout: 30_000 }).toBe('cancelled');
  await expect.poll(() => statusOf('train'), { timeout: 30_000 }).toBe('CANCELLED');
  // The step that never started is cancelled with the run.
  expect(await statusOf('report')).toBe('CANCELLED');
  expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
  // The cancel reached the step itself, and GraphQL tells the same story.
  await expect.poll(() => trainStopped, { timeout: 30_000 }).toBeDefined();
  const { data } = await gql<{ workflowRun: { status: string } }>(
    jarvis.url,
    'query ($id: ID!) { workflowRun(id: $id) { status } }',
    { id: started.id },
  );
  expect(data?.workflowRun.status).toBe('CANCELLED');
  expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  expect(browser.offsite).toEqual([]);
}, 180_000);

it('schedules show their next fire times and pause, unpause and trigger from the page', async () => {
  await gql(
    jarvis.url,
    'mutation { registerWorkflow(definition: { name: "nightly", steps: [{ id: "wait", kind: TIMER, durationMs: 1 }] }) { name } }',
  );
  const created = await gql<{ createSchedule: { id: string } }>(
    jarvis.url,
    'mutation { createSchedule(input: { workflow: "nightly", cron: "0 3 * * *" }) { id } }',
  );
  const id = created.data!.createSchedule.id;
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/workflows`);
  const row = page.locator(`tr[data-schedule="${id}"]`);
  await row.waitFor({ timeout: 30_000 });
  // Three fire times, each at 03:00 UTC on the days to come.
  const times = await gql<{ schedule: { nextFireTimes: string[] } }>(
    jarvis.url,
    `{ schedule(id: "${id}") { nextFireTimes(count: 3) } }`,
  );
  expect(times.data!.schedule.nextFireTimes.every((t) => t.endsWith('T03:00:00.000Z'))).toBe(true);
  expect(await row.locator('td').nth(2).locator('div').count()).toBe(3);

  await row.getByRole('button', { name: 'Pause' }).click();
  await row.getByRole('button', { name: 'Unpause' }).waitFor({ timeout: 30_000 });
  const paused = await gql<{ schedule: { paused: boolean } }>(
    jarvis.url,
    `{ schedule(id: "${id}") { paused } }`,
  );
  expect(paused.data!.schedule.paused).toBe(true);
  await row.getByRole('button', { name: 'Unpause' }).click();
  await row.getByRole('button', { name: 'Pause' }).waitFor({ timeout: 30_000 });

  await row.getByRole('button', { name: 'Trigger now' }).click();
  await expect
    .poll(
      async () =>
        (
          await gql<{ workflowRuns: { totalCount: number } }>(
            jarvis.url,
            `{ workflowRuns(filter: { scheduleId: "${id}" }) { totalCount } }`,
          )
        ).data?.workflowRuns.totalCount,
      { timeout: 30_000 },
    )
    .toBe(1);
  await browser.screenshot('schedules');
}, 120_000);

it('a failed run shows its error on the step, and Retry starts a new run the page follows', async () => {
  await using component = new TSAIComponent('toolchain', { url: jarvis.url });
  let calls = 0;
  await component.createWorker(
    {
      flaky: async () => {
        calls++;
        if (calls === 1) throw new Error('GPU fell off the bus');
        return { ok: true };
      },
    },
    { taskQueue: 'console-retry' },
  );
  await component.registerWorkflow({
    name: 'console-retry',
    taskQueue: 'console-retry',
    steps: [{ id: 'flaky', activity: 'flaky', retry: { maximumAttempts: 1 } }],
  });
  const started = await component.startWorkflow('console-retry', {});
  await using browser = await openConsole(jarvis.url);
  const { page } = browser;
  await page.goto(`${jarvis.url}/#/workflows/runs/${started.id}`);
  await page.locator('svg.graph [data-step="flaky"][data-status="FAILED"]').waitFor();
  expect(await page.locator('tr[data-step-row="flaky"]').innerText()).toContain('GPU fell off the bus');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect.poll(() => page.url(), { timeout: 30_000 }).not.toContain(started.id);
  await page.locator('svg.graph [data-step="flaky"][data-status="COMPLETED"]').waitFor();
  await page.getByRole('link', { name: started.id.slice(0, 12) }).waitFor();
}, 120_000);

it('a dropped connection does not stop the live view: it reconnects and picks up the events it missed', async () => {
  await gql(
    jarvis.url,
    'mutation { registerWorkflow(definition: { name: "console-approval", steps: [{ id: "approve", kind: SIGNAL, signal: "go" }, { id: "after", kind: TIMER, durationMs: 1, dependsOn: ["approve"] }] }) { name } }',
  );
  const started = await gql<{ startWorkflow: { id: string } }>(
    jarvis.url,
    'mutation { startWorkflow(workflow: "console-approval") { id } }',
  );
  const id = started.data!.startWorkflow.id;
  await using proxy = await tcpProxy(jarvis.url);
  await using browser = await openConsole(proxy.url);
  const { page } = browser;
  await page.goto(`${proxy.url}/#/workflows/runs/${id}`);
  await page.locator('svg.graph [data-step="approve"][data-status="WAITING"]').waitFor();
  await expect
    .poll(() => jarvis.router.subscriptions.subscriberCount(), { timeout: 30_000 })
    .toBeGreaterThan(0);
  // Every connection of the page is cut; the run moves on while the page is not listening.
  proxy.dropConnections();
  await gql(jarvis.url, `mutation { signalWorkflowRun(id: "${id}", signal: "go") { id } }`);
  // The events it missed arrive once it is back, each once and in order (the list folds away
  // when the run ends: its text is read, not what is drawn).
  const events = () =>
    page
      .locator('details.events li')
      .evaluateAll((items) =>
        items.map((li) =>
          (li.textContent ?? '').replace(li.querySelector('time')?.textContent ?? '', '').trim(),
        ),
      );
  await expect.poll(async () => (await events()).at(-1), { timeout: 30_000 }).toBe('run completed');
  expect(await events()).toEqual([
    'run started',
    'step started · approve · waiting for signal go',
    'step completed · approve',
    'step started · after',
    'step completed · after',
    'run completed',
  ]);
  await page.locator('svg.graph [data-step="after"][data-status="COMPLETED"]').waitFor();
  expect(await page.locator('h1 .badge').innerText()).toBe('completed');
}, 120_000);
