import type { Jarvis } from '@jarvis/app';
import { gql, testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('router in-process (jarvis dev)', () => {
  let jarvis: Jarvis & AsyncDisposable;
  let fetch: (request: Request) => Promise<Response>;
  beforeAll(async () => {
    jarvis = await testJarvis();
    fetch = jarvis.router.fetch;
  });
  afterAll(() => jarvis[Symbol.asyncDispose]());

  it('answers health through the supergraph', async () => {
    const { data, errors } = await gql<{ health: { name: string; kind: string; status: string }[] }>(
      fetch,
      '{ health { name kind status latencyMs } }',
    );
    expect(errors).toBeUndefined();
    expect(data!.health.map((h) => `${h.name}:${h.kind}:${h.status}`).sort()).toEqual([
      'analytics:SERVICE:UP',
      'blob-store:BACKEND:UP',
      'database:BACKEND:UP',
      'drives:SERVICE:UP',
      'experiments:SERVICE:UP',
      'identity:SERVICE:UP',
      'notifications:SERVICE:UP',
      'platform:SERVICE:UP',
      'pubsub:BACKEND:UP',
      'storage:SERVICE:UP',
      'workflow-engine:BACKEND:UP',
      'workflows:SERVICE:UP',
    ]);
  });

  it('runs a mutation and reads it back, with history', async () => {
    const set = await gql<{ setSetting: { version: number; value: unknown } }>(
      fetch,
      'mutation Set($v: JSON!) { setSetting(component: "spotlight", key: "fps", value: $v) { version value } }',
      { v: { fps: 30, codecs: ['h264'] } },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data!.setSetting).toEqual({ version: 1, value: { fps: 30, codecs: ['h264'] } });
    const read = await gql<{
      setting: {
        value: unknown;
        updatedBy: { id: string; name: string | null };
        history: { totalCount: number };
      };
    }>(
      fetch,
      '{ setting(component: "spotlight", key: "fps") { value updatedBy { id name } history { totalCount } } }',
    );
    // updatedBy is a User, resolved by the identity subgraph (in jarvis dev, the local admin).
    expect(read.data!.setting).toEqual({
      value: { fps: 30, codecs: ['h264'] },
      updatedBy: { id: 'local', name: null },
      history: { totalCount: 1 },
    });
    const page = await gql<{ settings: { totalCount: number; edges: { node: { key: string } }[] } }>(
      fetch,
      '{ settings(component: "spotlight") { totalCount edges { node { key } } } }',
    );
    expect(page.data!.settings).toEqual({ totalCount: 1, edges: [{ node: { key: 'fps' } }] });
  });

  it('serves the effective config with secrets redacted', async () => {
    const { data } = await gql<{
      config: { database: { url: string }; services: { storage: { type: string } } };
    }>(fetch, '{ config }');
    expect(data!.config.database.url).toBe('pglite:memory');
    expect(data!.config.services.storage.type).toBe('local');
  });

  it('bad input: a clear error with extensions.code, and nothing written', async () => {
    const big = 'x'.repeat(70 * 1024);
    const res = await gql(
      fetch,
      'mutation($v: JSON!) { setSetting(component: "c", key: "huge", value: $v) { version } }',
      { v: big },
    );
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(/at most 65536/);
    const after = await gql<{ setting: unknown }>(
      fetch,
      '{ setting(component: "c", key: "huge") { version } }',
    );
    expect(after.data!.setting).toBeNull();

    const badKey = await gql(
      fetch,
      'mutation { setSetting(component: "c", key: "no spaces", value: 1) { version } }',
    );
    expect(badKey.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'key' });

    const badCursor = await gql(fetch, '{ settings(component: "c", after: "%%%") { totalCount } }');
    expect(badCursor.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');

    const invalid = await gql(fetch, '{ nope }');
    expect(invalid.status).toBe(400);
    expect(invalid.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(invalid)).not.toContain('stacktrace');
  });

  it('refuses a body over server.max_body_bytes before reading it all', async () => {
    const response = await fetch(
      new Request('http://jarvis.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ health { name } } # ${'x'.repeat(2 * 1024 * 1024)}` }),
      }),
    );
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'max_body_bytes',
      max: 1_048_576,
    });
  });

  it('echoes the request id and counts operations on /metrics', async () => {
    const res = await gql(fetch, 'query HealthProbe { health { name } }', undefined, {
      'x-request-id': 'trace-77',
    });
    expect(res.headers.get('x-request-id')).toBe('trace-77');
    const metrics = await (await fetch(new Request('http://jarvis.test/metrics'))).text();
    expect(metrics).toMatch(
      /jarvis_graphql_requests_total\{service="router",operation="HealthProbe",type="query",status="ok"\} 1/,
    );
    expect(metrics).toMatch(
      /jarvis_graphql_request_duration_seconds_bucket\{le="[\d.]+",service="router",operation="HealthProbe",type="query"\}/,
    );
    expect(metrics).toMatch(
      /jarvis_graphql_errors_total\{service="router",operation="anonymous",code="BAD_USER_INPUT"\}/,
    );
  });

  it('serves GraphiQL to browsers from bundled files, /health and /ready', async () => {
    const page = await fetch(new Request('http://jarvis.test/graphql', { headers: { accept: 'text/html' } }));
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('/graphiql/graphiql.js');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.(com|net|org|io|dev)/i);
    const js = await fetch(new Request('http://jarvis.test/graphiql/graphiql.js'));
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    expect((await fetch(new Request('http://jarvis.test/graphiql/..%2Fpackage.json'))).status).toBe(404);
    expect(await (await fetch(new Request('http://jarvis.test/health'))).json()).toEqual({ status: 'ok' });
    const ready = await fetch(new Request('http://jarvis.test/ready'));
    expect(ready.status).toBe(200);
  });
});
