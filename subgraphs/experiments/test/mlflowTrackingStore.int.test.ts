import { createDatabase } from '@jarvis/db';
import { startMlflow } from '@jarvis/testkit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { experimentsMigrations, mlflowTrackingStore } from '../src/index.ts';
import { sqlIdempotencyLog } from '../src/store/sqlIdempotencyLog.ts';
import { trackingStoreContract } from './trackingStoreContract.ts';

trackingStoreContract('mlflow (a real MLflow server)', async () => {
  const server = await startMlflow();
  // Idempotency keys live in Jarvis's own metadata database, beside the MLflow server.
  const db = await createDatabase({ url: 'pglite:memory', home: '' });
  await db.migrate('experiments', experimentsMigrations);
  return {
    store: mlflowTrackingStore(server.url, sqlIdempotencyLog(db)),
    async close() {
      await server.stop();
      await db.close();
    },
  };
});

describe('logMetrics on an MLflow server', () => {
  it('a call above 1000 points cut off after its first part completes on retry, each point once', async () => {
    const server = await startMlflow();
    onTestFinished(() => server.stop());
    const store = mlflowTrackingStore(server.url);
    const experimentId = await store.createExperiment('default', 'cut-off');
    const run = await store.createRun('default', { experimentId });
    const points = Array.from({ length: 2_500 }, (_, i) => ({
      key: 'loss',
      value: i,
      timestamp: 5_000 + i,
      step: i,
    }));
    // The first 1000-point part reached MLflow, then Jarvis lost the connection.
    await store.logBatch('default', run.id, { metrics: points.slice(0, 1_000) });
    await store.logBatch('default', run.id, { metrics: points }, undefined, 10_000);
    const history = await store.metricHistory('default', run.id, 'loss');
    expect(history).toHaveLength(2_500);
    expect(history.map((h) => h.step).sort((a, b) => a - b)).toEqual(points.map((p) => p.step));
  }, 120_000);
});
