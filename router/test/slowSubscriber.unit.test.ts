import { LOCAL_PRINCIPAL } from '@jarvis/context';
import { memoryPubSub } from '@jarvis/pubsub';
import { buildSchema, type ExecutionResult, execute, parse } from 'graphql';
import { expect, it } from 'vitest';
import { federatedSubscriptions } from '../src/subscriptions/federatedSubscriptions.ts';
import { subgraphSubscriptions } from '../src/subscriptions/subgraphSubscriptions.ts';

it('drops a subscriber that stopped reading once it is 10,000 events behind, and closes the upstream', async () => {
  const pubsub = memoryPubSub();
  const sdl = 'type Query { ok: Boolean } type Subscription { tick: Tick! } type Tick { n: Int! }';
  // The subgraph's schema has resolvers; the router resolves events on a plain copy.
  const schema = buildSchema(sdl);
  const api = buildSchema(sdl);
  schema.getSubscriptionType()!.getFields().tick!.subscribe = () => pubsub.subscribe('ticks');
  schema.getSubscriptionType()!.getFields().tick!.resolve = (payload) => payload;
  const subscriptions = federatedSubscriptions({
    schema: () => api,
    owners: new Map([['tick', 'clock']]),
    entityQueries: {},
    upstream: subgraphSubscriptions([{ name: 'clock', schema }], { keepAliveMs: 1_000, retryWindowMs: 0 }),
    run: async (query) => execute({ schema, document: parse(query) }) as ExecutionResult,
    authenticate: async () => LOCAL_PRINCIPAL,
  });
  const context = { principal: LOCAL_PRINCIPAL, requestId: 'r', logger: undefined as never };
  const events = (await subscriptions.subscribe({
    document: parse('subscription { tick { n } }'),
    variables: {},
    context,
  })) as AsyncIterableIterator<ExecutionResult>;
  await expect.poll(() => pubsub.subscriberCount()).toBe(1);
  for (let n = 1; n <= 10_001; n++) await pubsub.publish('ticks', { n });
  // Dropped as soon as it fell behind, before it reads anything.
  await expect.poll(() => subscriptions.subscriberCount(), { timeout: 10_000 }).toBe(0);
  const first = await events.next();
  expect(first.value?.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'backlog' });
  expect((await events.next()).done).toBe(true);
  await expect.poll(() => pubsub.subscriberCount()).toBe(0);
  expect(subscriptions.upstreamCount()).toBe(0);
});
