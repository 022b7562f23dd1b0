import { startMlflow } from '@jarvis/testkit';
import { mlflowTrackingStore } from '../src/index.ts';
import { trackingStoreContract } from './trackingStoreContract.ts';

trackingStoreContract('mlflow (a real MLflow server)', async () => {
  const server = await startMlflow();
  return { store: mlflowTrackingStore(server.url), close: () => server.stop() };
});
