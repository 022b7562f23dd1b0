import { gql, startRedis, testJarvis } from '@jarvis/testkit';
import { describe, expect, it } from 'vitest';

// Two router replicas behind one address (pubsub.type redis) count one caller's requests together.
describe('rate limits across replicas', () => {
  it('shares the per-caller count through Redis when pubsub.type is redis', {
    timeout: 120_000,
  }, async () => {
    await using redis = await startRedis();
    const config = {
      auth: { mode: 'keys' as const, rate_limit: { requests_per_minute: 6 } },
      pubsub: { type: 'redis' as const, url: redis.url },
    };
    await using a = await testJarvis(config);
    await using b = await testJarvis(config);
    // No credentials: the anonymous caller of one address, counted by it (health is public).
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const replica = i % 2 === 0 ? a : b;
      statuses.push((await gql(replica.router.fetch, '{ health { status } }')).status);
    }
    // Six in the minute across both replicas; each alone has seen only four.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });
});
