import { createLogger } from '@jarvis/context';
import { createDatabase, type Database } from '@jarvis/db';
import { createMetrics } from '@jarvis/telemetry';
import { startPostgres, waitFor } from '@jarvis/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../src/index.ts';

const postgres = startPostgres();
const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
  await (await postgres).destroy();
});

/** A replica: its own connection pool to the shared PostgreSQL, its own runner. */
async function replica() {
  const db = await createDatabase({ url: (await postgres).url, home: '' });
  opened.push(db);
  const metrics = createMetrics({ defaultMetrics: false });
  return { runner: new JobRunner({ db, logger: createLogger({ level: 'silent' }), metrics }), metrics };
}

describe('JobRunner on PostgreSQL', () => {
  it('renews the lease of a run longer than it, so no other replica starts the job meanwhile', async () => {
    let concurrent = 0;
    let most = 0;
    let runs = 0;
    const job = {
      name: 'slow.renewed',
      intervalMs: 50,
      leaseMs: 300,
      async run() {
        most = Math.max(most, ++concurrent);
        // Three leases long: only renewal keeps the other replica out.
        await new Promise((resolve) => setTimeout(resolve, 900));
        concurrent--;
        runs++;
      },
    };
    const a = await replica();
    const b = await replica();
    a.runner.register(job);
    b.runner.register(job);
    await Promise.all([a.runner.start(), b.runner.start()]);
    await waitFor('three runs of the slow job', async () => runs >= 3, { timeoutMs: 30_000 });
    await Promise.all([a.runner.stop(), b.runner.stop()]);
    expect(most).toBe(1);
  });

  it('two replicas share one lease: a job never runs twice at once, and its record counts every run', async () => {
    const runs: { owner: string; start: number; end: number }[] = [];
    const job = (owner: string) => ({
      name: 'shared.tick',
      intervalMs: 100,
      async run() {
        const start = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 40));
        runs.push({ owner, start, end: performance.now() });
      },
    });
    const a = await replica();
    const b = await replica();
    a.runner.register(job('a'));
    b.runner.register(job('b'));
    await Promise.all([a.runner.start(), b.runner.start()]);
    await waitFor('twenty runs of the shared job', async () => runs.length >= 20);
    await Promise.all([a.runner.stop(), b.runner.stop()]);
    const ordered = [...runs].sort((x, y) => x.start - y.start);
    for (let i = 1; i < ordered.length; i++)
      expect(ordered[i]!.start, `run ${i} started before run ${i - 1} ended`).toBeGreaterThanOrEqual(
        ordered[i - 1]!.end,
      );
    const [status] = await a.runner.status();
    expect(status).toMatchObject({ name: 'shared.tick', intervalMs: 100, failures: 0, lastError: null });
    expect(status!.runs).toBe(runs.length);
  });

  it('a job that throws is reported and retried with backoff, never fatal; a success clears it', async () => {
    const { runner, metrics } = await replica();
    let calls = 0;
    runner.register({
      name: 'flaky.sync',
      intervalMs: 100,
      async run() {
        calls++;
        if (calls <= 2) throw new Error(`upstream said no (${calls})`);
      },
    });
    await runner.start();
    try {
      await waitFor('the first failure to be recorded', async () =>
        (await runner.status()).some((s) => s.name === 'flaky.sync' && s.failures === 1),
      );
      const failed = (await runner.status()).find((s) => s.name === 'flaky.sync')!;
      expect(failed.lastError).toBe('upstream said no (1)');
      // Retried after the backoff (base 1 s, half of it jittered), not at the 100 ms interval.
      const wait = failed.nextRunAt.getTime() - failed.lastFinishedAt!.getTime();
      expect(wait).toBeGreaterThanOrEqual(450);
      expect(wait).toBeLessThanOrEqual(1_050);
      await waitFor('a success after two failures', async () =>
        (await runner.status()).some((s) => s.name === 'flaky.sync' && s.runs >= 3 && s.failures === 0),
      );
      const ok = (await runner.status()).find((s) => s.name === 'flaky.sync')!;
      expect(ok.lastError).toBeNull();
      const counted = await metrics.registry.getSingleMetricAsString('jarvis_job_runs_total');
      expect(counted).toMatch(/jarvis_job_runs_total\{job="flaky.sync",outcome="failed"\} 2/);
      expect(counted).toMatch(/jarvis_job_runs_total\{job="flaky.sync",outcome="ok"\} [1-9]/);
    } finally {
      await runner.stop();
    }
  });
});
