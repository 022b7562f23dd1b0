import { memoryPubSub } from '../src/index.ts';
import { pubSubContract } from './pubSubContract.ts';

pubSubContract('memory', async () => {
  const bus = memoryPubSub();
  return { pub: bus, sub: bus, close: () => bus.close() };
});
