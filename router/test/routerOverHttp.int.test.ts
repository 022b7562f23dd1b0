import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '@jarvis/config';
import { gql } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRouter,
  createRuntime,
  createSubgraphServer,
  type FetchServer,
  type Router,
  type Runtime,
  SUBGRAPHS,
  type SubgraphServer,
  serveFetch,
} from '../src/index.ts';

// Production shape: `jarvis serve platform` and `jarvis serve router` as separate servers.
describe('router over HTTP (jarvis serve)', () => {
  let subgraphRuntime: Runtime;
  let subgraph: SubgraphServer;
  let subgraphHttp: FetchServer;
  let routerRuntime: Runtime;
  let router: Router;
  let routerHttp: FetchServer;

  beforeAll(async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-serve-'));
    const config = parseConfig(
      { home, database: { url: 'pglite:memory' }, log: { level: 'silent' } },
      'test',
      {},
    );
    subgraphRuntime = await createRuntime(config);
    const platform = SUBGRAPHS.find((s) => s.name === 'platform')!;
    subgraph = createSubgraphServer(platform.create(subgraphRuntime), subgraphRuntime);
    await subgraph.start();
    subgraphHttp = await serveFetch(subgraph.fetch, { host: '127.0.0.1', port: 0 });
    routerRuntime = await createRuntime(config, { database: false });
    router = createRouter({
      config: routerRuntime.config,
      logger: routerRuntime.logger,
      metrics: routerRuntime.metrics,
      health: routerRuntime.health,
      subgraphs: [{ name: 'platform', typeDefs: platform.typeDefs, url: `${subgraphHttp.url}/graphql` }],
    });
    await router.start();
    routerHttp = await serveFetch(router.fetch, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await routerHttp.close();
    await router.stop();
    await routerRuntime.close();
    await subgraphHttp.close();
    await subgraph.stop();
    await subgraphRuntime.close();
  });

  it('runs a mutation and a query through the router to the platform subgraph', async () => {
    const set = await gql<{ setSetting: { version: number } }>(
      routerHttp.url,
      'mutation { setSetting(component: "autopilot", key: "max_speed", value: 12.5) { version } }',
    );
    expect(set.errors).toBeUndefined();
    expect(set.data!.setSetting.version).toBe(1);
    const got = await gql<{ setting: { value: number } }>(
      routerHttp.url,
      '{ setting(component: "autopilot", key: "max_speed") { value } }',
    );
    expect(got.data!.setting.value).toBe(12.5);
  });

  it('passes the request id to the subgraph and returns subgraph errors with their code', async () => {
    const res = await gql(
      routerHttp.url,
      '{ setting(component: "bad component", key: "k") { value } }',
      undefined,
      {
        'x-request-id': 'over-http-1',
      },
    );
    expect(res.headers.get('x-request-id')).toBe('over-http-1');
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', serviceName: 'platform' });
    const metrics = await (await fetch(`${subgraphHttp.url}/metrics`)).text();
    expect(metrics).toMatch(/jarvis_graphql_requests_total\{service="platform",/);
  });
});
