import { createDatabase } from '@jarvis/db';
import { startMlflow } from '@jarvis/testkit';
import { experimentsMigrations, mlflowModelRegistry } from '../src/index.ts';
import { sqlIdempotencyLog } from '../src/store/sqlIdempotencyLog.ts';
import { modelRegistryContract } from './modelRegistryContract.ts';

modelRegistryContract('mlflow (a real MLflow server)', async () => {
  const server = await startMlflow();
  const db = await createDatabase({ url: 'pglite:memory', home: '' });
  await db.migrate('experiments', experimentsMigrations);
  return {
    registry: mlflowModelRegistry(server.url, sqlIdempotencyLog(db)),
    async close() {
      await server.stop();
      await db.close();
    },
  };
});
