import { createHash, randomBytes } from 'node:crypto';
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
  ENTITY_QUERIES,
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
  const servers: { server: SubgraphServer; http: FetchServer }[] = [];
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
    // Every subgraph behind its own HTTP server, as `jarvis serve <name>` runs them.
    for (const entry of SUBGRAPHS) {
      const server = createSubgraphServer(entry.create(subgraphRuntime), subgraphRuntime);
      await server.start();
      servers.push({
        server,
        http: await serveFetch(server.fetch, { host: '127.0.0.1', port: 0, websockets: server.websockets }),
      });
    }
    subgraphHttp = servers[0]!.http;
    routerRuntime = await createRuntime(config, { database: false });
    router = createRouter({
      config: routerRuntime.config,
      logger: routerRuntime.logger,
      metrics: routerRuntime.metrics,
      health: routerRuntime.health,
      entityQueries: ENTITY_QUERIES,
      subgraphs: SUBGRAPHS.map((entry, i) => ({
        name: entry.name,
        typeDefs: entry.typeDefs,
        url: `${servers[i]!.http.url}/graphql`,
        routePrefixes: entry.routePrefixes,
      })),
    });
    await router.start();
    routerHttp = await serveFetch(router.fetch, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await routerHttp.close();
    await router.stop();
    await routerRuntime.close();
    for (const { server, http } of servers) {
      await http.close();
      await server.stop();
    }
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

  it("forwards the storage subgraph's own routes: an artifact goes up and comes back through the router's origin", async () => {
    const bytes = randomBytes(6 * 1024 * 1024 + 5);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const created = await gql<{
      createArtifactUpload: { id: string; partSize: number; parts: { url: string; size: number }[] };
    }>(
      routerHttp.url,
      `mutation($i: CreateArtifactUploadInput!) { createArtifactUpload(input: $i) { id partSize parts { url size } } }`,
      {
        i: {
          name: 'over-http/model.pt',
          kind: 'MODEL',
          size: bytes.length,
          sha256,
          partSize: 5 * 1024 * 1024,
        },
      },
    );
    const upload = created.data!.createArtifactUpload;
    for (const [i, part] of upload.parts.entries()) {
      expect(part.url.startsWith('/storage/')).toBe(true);
      const body = bytes.subarray(i * upload.partSize, i * upload.partSize + part.size);
      const put = await fetch(`${routerHttp.url}${part.url}`, { method: 'PUT', body });
      expect(put.status, await put.clone().text()).toBe(200);
    }
    const done = await gql<{ completeArtifactUpload: { contentPath: string; sha256: string } }>(
      routerHttp.url,
      `mutation { completeArtifactUpload(uploadId: "${upload.id}") { contentPath sha256 } }`,
    );
    expect(done.data!.completeArtifactUpload.sha256).toBe(sha256);
    const whole = await fetch(`${routerHttp.url}${done.data!.completeArtifactUpload.contentPath}`);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(`${routerHttp.url}${done.data!.completeArtifactUpload.contentPath}`, {
      headers: { range: 'bytes=10-19' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
  });

  it('forwards the MLflow API to experiments and its artifact proxy to storage, on one origin', async () => {
    const api = (route: string, init?: RequestInit) => fetch(`${routerHttp.url}/api/2.0/${route}`, init);
    const created = await api('mlflow/experiments/create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'over-http' }),
    });
    expect(created.status).toBe(200);
    const { experiment_id } = (await created.json()) as { experiment_id: string };
    const run = (await (
      await api('mlflow/runs/create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_id }),
      })
    ).json()) as { run: { info: { run_id: string; artifact_uri: string } } };
    const path = `${run.run.info.artifact_uri.replace('mlflow-artifacts:/', '')}/notes.txt`;
    const put = await api(`mlflow-artifacts/artifacts/${path}`, { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(200);
    const listed = await api(`mlflow/artifacts/list?run_id=${run.run.info.run_id}`);
    expect(await listed.json()).toMatchObject({
      files: [{ path: 'notes.txt', is_dir: false, file_size: 5 }],
    });
    expect(await (await api(`mlflow-artifacts/artifacts/${path}`)).text()).toBe('hello');
    // MLflow deletes a path; every version of it goes.
    await api(`mlflow-artifacts/artifacts/${path}`, { method: 'PUT', body: 'hello again' });
    expect((await api(`mlflow-artifacts/artifacts/${path}`, { method: 'DELETE' })).status).toBe(200);
    const gone = await api(`mlflow-artifacts/artifacts/${path}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const missing = await api('mlflow/experiments/get-by-name?experiment_name=nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
