import { databaseBackends } from '@jarvis/testkit';
import { describe, expect, it } from 'vitest';
import { experimentsMigrations, nativeTrackingStore } from '../src/index.ts';
import { trackingStoreContract } from './trackingStoreContract.ts';

for (const backend of databaseBackends()) {
  trackingStoreContract(`native on ${backend.name}`, async () => {
    const db = await backend.open();
    await db.migrate('experiments', experimentsMigrations);
    return {
      store: nativeTrackingStore(db),
      async close() {
        await db.close();
        await backend.close();
      },
    };
  });
}

// Native only: concurrent metric batches share statements (metricWrites.ts); MLflow's
// SQLite-backed test server is not built for this many writers at once.
for (const backend of databaseBackends()) {
  describe(`native store on ${backend.name}: concurrent logging`, () => {
    it('many clients logging at once: every batch lands once; one to a finished run is refused alone', async () => {
      const db = await backend.open();
      await db.migrate('experiments', experimentsMigrations);
      const native = nativeTrackingStore(db);
      try {
        const experimentId = await native.createExperiment('default', 'concurrent');
        const runs = await Promise.all(
          Array.from({ length: 8 }, () => native.createRun('default', { experimentId })),
        );
        const finished = runs[7]!;
        await native.updateRun('default', finished.id, { status: 'FINISHED', endTime: Date.now() });
        const batch = (step: number) => ({
          metrics: ['b', 'a', 'c'].map((key) => ({ key, value: step, timestamp: 1, step })),
        });
        const results = await Promise.allSettled(
          runs.flatMap((run) => [0, 1, 2, 3].map((step) => native.logBatch('default', run.id, batch(step)))),
        );
        const refused = results.filter((r) => r.status === 'rejected');
        expect(refused).toHaveLength(4);
        for (const r of refused)
          expect((r as PromiseRejectedResult).reason).toMatchObject({ extensions: { code: 'CONFLICT' } });
        for (const run of runs.slice(0, 7)) {
          expect((await native.metricHistory('default', run.id, 'a')).map((p) => p.step).sort()).toEqual([
            0, 1, 2, 3,
          ]);
          expect((await native.getRun('default', run.id))!.metrics.map((m) => [m.key, m.value])).toEqual([
            ['a', 3],
            ['b', 3],
            ['c', 3],
          ]);
        }
        expect(await native.metricHistory('default', finished.id, 'a')).toEqual([]);
      } finally {
        await db.close();
        await backend.close();
      }
    });
  });
}
