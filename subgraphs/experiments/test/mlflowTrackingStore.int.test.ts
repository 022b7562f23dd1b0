import { createDatabase } from '@jarvis/db';
import { startMlflow } from '@jarvis/testkit';
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
