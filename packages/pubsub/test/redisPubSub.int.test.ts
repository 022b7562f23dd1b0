import { startRedis } from '@jarvis/testkit';
import { redisPubSub } from '../src/index.ts';
import { pubSubContract } from './pubSubContract.ts';

pubSubContract('redis (two replicas on a real redis-server)', async () => {
  const server = await startRedis();
  const pub = redisPubSub({ url: server.url });
  const sub = redisPubSub({ url: server.url });
  return {
    pub,
    sub,
    async close() {
      await pub.close();
      await sub.close();
      await server.stop();
    },
  };
});
