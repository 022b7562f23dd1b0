import { gql, testJarvis, waitFor } from '@jarvis/testkit';
import { expect, it } from 'vitest';

interface JobView {
  name: string;
  intervalMs: number;
  runs: number;
  failures: number;
  lastError: string | null;
  lastFinishedAt: string | null;
  nextRunAt: string;
}

it('the jobs query shows every background job of the deployment, its last run and the next', async () => {
  await using jarvis = await testJarvis({
    services: {
      storage: { gc_interval_minutes: 0.005 }, // 300 ms
      analytics: { evaluation_interval_ms: 300 },
    },
  });
  const jobs = async () => {
    const result = await gql<{ jobs: JobView[] }>(
      jarvis.router.fetch,
      '{ jobs { name intervalMs runs failures lastError lastFinishedAt nextRunAt } }',
    );
    expect(result.errors).toBeUndefined();
    return result.data!.jobs;
  };
  expect((await jobs()).map((j) => j.name)).toEqual([
    'analytics.alerts',
    'analytics.prune',
    'drives.sync-schedule',
    'drives.transfers',
    'notifications.deliver',
    'storage.gc',
    'workflows.engine',
  ]);
  await waitFor('every job but analytics.prune (hourly) to have run', async () =>
    (await jobs()).filter((j) => j.name !== 'analytics.prune').every((j) => j.runs > 0),
  );
  // The local engine checks its timers five times a second, on the runner like the rest.
  expect((await jobs()).find((j) => j.name === 'workflows.engine')).toMatchObject({ intervalMs: 200 });
  const gc = (await jobs()).find((j) => j.name === 'storage.gc')!;
  expect(gc).toMatchObject({ intervalMs: 300, failures: 0, lastError: null });
  expect(Date.parse(gc.nextRunAt)).toBeGreaterThan(Date.parse(gc.lastFinishedAt!));
});
