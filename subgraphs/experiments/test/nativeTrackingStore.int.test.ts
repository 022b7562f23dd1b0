import { databaseBackends } from '@jarvis/testkit';
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
