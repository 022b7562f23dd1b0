import { createRuntime } from '@jarvis/app';
import { parseConfig } from '@jarvis/config';
import { GUILD_QUERY, gql, guildSubgraphs } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../src/createRouter.ts';

// The default limits face another team's supergraph: The Guild's gateway benchmark subgraphs,
// no @listSize anywhere, lists unpaged. An ordinary nested read gets through; abuse does not.
describe('the default operation limits on a supergraph without @listSize', () => {
  let router: Router;

  beforeAll(async () => {
    const config = parseConfig({ home: '/tmp/jarvis-default-limits', log: { level: 'silent' } }, 'test', {});
    const runtime = await createRuntime(config, { database: false });
    router = createRouter({
      config,
      logger: runtime.logger,
      metrics: runtime.metrics,
      health: runtime.health,
      subgraphs: guildSubgraphs().map((s) => ({ ...s, routes: [] })),
    });
    await router.start();
  });
  afterAll(() => router.stop());

  it('admits The Guild benchmark’s heavy nested query and answers it whole', async () => {
    const result = await gql<{
      users: { reviews: unknown[] }[];
      topProducts: { shippingEstimate: number }[];
    }>(router.fetch, GUILD_QUERY);
    expect(result.errors).toBeUndefined();
    expect(result.data!.users).toHaveLength(6);
    expect(result.data!.topProducts.map((p) => p.shippingEstimate)).toEqual([50, 0, 10, 50, 0]);
  });

  it('refuses unpaged lists nested six deep, and a page far too large, with the limit and the estimate', async () => {
    const deep = await gql(
      router.fetch,
      '{ users { reviews { product { reviews { author { reviews { product { reviews { author { reviews { id } } } } } } } } } } }',
    );
    expect(deep.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'max_cost',
      max: 200_000,
    });
    const huge = await gql(router.fetch, '{ topProducts(first: 300000) { upc } }');
    expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'max_cost' });
    const fine = await gql<{ topProducts: unknown[] }>(router.fetch, '{ topProducts(first: 9) { upc } }');
    expect(fine.data!.topProducts).toHaveLength(9);
  });
});
