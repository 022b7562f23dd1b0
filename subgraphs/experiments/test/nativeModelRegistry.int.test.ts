import { databaseBackends } from '@jarvis/testkit';
import { experimentsMigrations, nativeModelRegistry } from '../src/index.ts';
import { modelRegistryContract } from './modelRegistryContract.ts';

for (const backend of databaseBackends()) {
  modelRegistryContract(`native on ${backend.name}`, async () => {
    const db = await backend.open();
    await db.migrate('experiments', experimentsMigrations);
    return {
      registry: nativeModelRegistry(db),
      async close() {
        await db.close();
        await backend.close();
      },
    };
  });
}
