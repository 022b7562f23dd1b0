import { collectSubscription, gql, servedJarvis, testJarvis } from '@jarvis/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessDataSource } from '../src/inProcessDataSource.ts';

const LIMITS = {
  max_depth: 6,
  max_aliases: 3,
  max_tokens: 400,
  max_root_fields: 4,
  max_cost: 1_000,
  default_list_size: 10,
  timeout_ms: 300,
};

describe('operation limits', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses each limit with its name, the limit and the measured value, before any subgraph is called', async () => {
    await using jarvis = await testJarvis({ router: { limits: LIMITS } });
    const subgraphCalls = vi.spyOn(InProcessDataSource.prototype, 'process');
    const cases: [string, string, number, number][] = [
      [
        'max_depth',
        '{ run(id: "r") { workflowRuns { run { workflowRuns { run { experiment { name } } } } } } }',
        6,
        7,
      ],
      [
        'max_aliases',
        'mutation { a: setSetting(component: "c", key: "a", value: 1) { key } b: setSetting(component: "c", key: "b", value: 1) { key } c: setSetting(component: "c", key: "c", value: 1) { key } d: setSetting(component: "c", key: "d", value: 1) { key } }',
        3,
        4,
      ],
      // Aliases of __typename count too: they are the cheapest flood.
      ['max_aliases', '{ a: __typename b: __typename c: __typename d: __typename }', 3, 4],
      [
        'max_root_fields',
        '{ config config2: config health { name } settings(component: "c") { totalCount } x: config }',
        4,
        5,
      ],
      // 1 + 500 × (edges, node, name) = 1,501: past the limit, so counting stops at it.
      ['max_cost', '{ experiments(first: 500) { edges { node { name } } } }', 1_000, 1_001],
      // The schema's own page size counts when none is given (first: Int = 50), and a list
      // without one counts default_list_size: 1 + 50 × 3 + 50 × 10 × 2 = 1,151.
      ['max_cost', '{ experiments { edges { node { tags { key value } } } } }', 1_000, 1_001],
      ['max_cost', 'query($n: Int) { experiments(first: $n) { edges { node { name } } } }', 1_000, 1_001],
    ];
    for (const [limit, query, max, atLeast] of cases) {
      const result = await gql(jarvis.router.fetch, query, query.includes('$n') ? { n: 400 } : {});
      expect(result.status, limit).toBe(400);
      const error = result.errors![0]!;
      expect(error.extensions, limit).toMatchObject({ code: 'LIMIT_EXCEEDED', limit, max });
      expect(error.extensions!.measured as number, limit).toBeGreaterThanOrEqual(atLeast);
      expect(error.message, limit).toContain(`router.limits.${limit}`);
    }
    expect(subgraphCalls).not.toHaveBeenCalled();
    // Nothing of the refused mutation happened.
    const settings = await gql<{ settings: { totalCount: number } }>(
      jarvis.router.fetch,
      '{ settings(component: "c") { totalCount } }',
    );
    expect(settings.data!.settings.totalCount).toBe(0);
    // Within the limits (and with GraphiQL's deep introspection) all is well.
    const fine = await gql(
      jarvis.router.fetch,
      '{ experiments(first: 5) { edges { node { name } } } __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }',
    );
    expect(fine.errors).toBeUndefined();
  });

  it('router.limits.max_tokens stops a document while it is parsed, over HTTP and WebSocket alike', async () => {
    await using jarvis = await servedJarvis({ router: { limits: LIMITS } });
    const flood = `{ ${Array.from({ length: 300 }, () => 'config').join(' ')} }`; // 302 tokens, under 400
    const huge = `{ ${Array.from({ length: 500 }, () => 'config').join(' ')} }`;
    const ok = await gql(jarvis.url, flood);
    expect(ok.errors?.[0]?.extensions?.code).not.toBe('GRAPHQL_PARSE_FAILED');
    const refused = await gql(jarvis.url, huge);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(refused.errors?.[0]?.message).toMatch(/contains more th[a-z]+ 400 tokens/);
    await using ws = collectSubscription(
      jarvis.url,
      `subscription ${huge.replace('{', '{ workflowRunsChanged { type } ')}`,
    );
    const [event] = await ws.until((e) => e.length > 0);
    expect(event!.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED' });
  });

  it('ends an operation that runs past the timeout, and refuses a body past its size', async () => {
    await using jarvis = await testJarvis({ router: { limits: LIMITS }, server: { max_body_bytes: 2_000 } });
    const original = InProcessDataSource.prototype.process;
    vi.spyOn(InProcessDataSource.prototype, 'process').mockImplementation(async function (
      this: InProcessDataSource,
      ...args
    ) {
      await new Promise((r) => setTimeout(r, 1_000));
      return original.apply(this, args);
    });
    const slow = await gql(jarvis.router.fetch, '{ config }');
    expect(slow.status).toBe(504);
    expect(slow.errors![0]!.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'timeout_ms',
      max: 300,
    });
    expect(slow.errors![0]!.extensions!.measured as number).toBeGreaterThanOrEqual(300);
    vi.restoreAllMocks();

    const big = await gql(jarvis.router.fetch, `{ config } # ${'x'.repeat(3_000)}`);
    expect(big.status).toBe(413);
    expect(big.errors![0]!.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'max_body_bytes',
      max: 2_000,
    });
    expect(big.errors![0]!.extensions!.measured as number).toBeGreaterThan(3_000);
  });

  it('applies the same limits to subscriptions over WebSocket and SSE', async () => {
    await using jarvis = await servedJarvis({ router: { limits: LIMITS } });
    const deep =
      'subscription { workflowRunsChanged { run { run { workflowRuns { run { experiment { name } } } } } } }';
    await using ws = collectSubscription(jarvis.url, deep);
    const [event] = await ws.until(1);
    expect(event!.errors![0]!.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'max_depth',
      max: 6,
    });
    const sse = await fetch(`${jarvis.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: deep }),
    });
    expect(sse.status).toBe(400);
    const body = (await sse.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'max_depth' });
    expect(jarvis.router.subscriptions.upstreamCount()).toBe(0);
  });
});
