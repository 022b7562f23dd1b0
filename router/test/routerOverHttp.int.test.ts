import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, ENTITY_QUERIES, type Runtime, SUBGRAPHS } from '@jarvis/app';
import { parseConfig } from '@jarvis/config';
import { createRequestContext, LOCAL_PRINCIPAL } from '@jarvis/context';
import type { SubgraphModule } from '@jarvis/subgraph';
import { collectSubscription, gql } from '@jarvis/testkit';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRouter,
  createSubgraphServer,
  type FetchServer,
  type Router,
  type SubgraphServer,
  serveFetch,
} from '../src/index.ts';
import { CROSS_SUBGRAPH, type CrossEvent, trackedRun } from './trackedRun.ts';

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
      {
        home,
        database: { url: 'pglite:memory' },
        log: { level: 'silent' },
        // A subgraph gone for more than 3 s ends its subscriptions with an error.
        router: { subscriptions: { upstream_retry_ms: 3_000 } },
      },
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
    routerHttp = await serveFetch(router.fetch, {
      host: '127.0.0.1',
      port: 0,
      websockets: router.websockets,
    });
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

  it('serves the cross-subgraph subscription through graphql-ws to the subgraph; a restart of the subgraph is invisible, its end for good is an error', async () => {
    const run = await trackedRun(routerHttp.url);
    await using stream = collectSubscription<{ workflowRunEvents: CrossEvent }>(
      routerHttp.url,
      CROSS_SUBGRAPH,
      {
        id: run.runId,
      },
    );
    await stream.until(2);
    const at = SUBGRAPHS.findIndex((s) => s.name === 'workflows');
    const restart = async (beforeServing?: (module: SubgraphModule) => Promise<void>) => {
      const module = SUBGRAPHS[at]!.create(subgraphRuntime);
      const server = createSubgraphServer(module, subgraphRuntime);
      await server.start();
      await beforeServing?.(module);
      servers[at] = {
        server,
        http: await serveFetch(server.fetch, {
          host: '127.0.0.1',
          port: servers[at]!.http.port,
          websockets: server.websockets,
        }),
      };
    };
    const stop = async () => {
      await servers[at]!.http.close();
      await servers[at]!.server.stop();
    };

    await stop();
    // The run moves on while the router cannot hear it: the new process takes the signal
    // before it serves anyone, so those events reach the client only through the replay.
    await restart(async (module) => {
      const signalled = await graphql({
        schema: module.schema,
        source: 'mutation($id: ID!) { signalWorkflowRun(id: $id, signal: "go") { id } }',
        variableValues: { id: run.runId },
        contextValue: createRequestContext(subgraphRuntime.logger, LOCAL_PRINCIPAL, 'test'),
      });
      expect(signalled.errors).toBeUndefined();
    });
    await stream.until((e) => e.some((x) => x.data?.workflowRunEvents.step?.stepId === 'finish'));
    await run.signal('done');
    const events = await stream.until((e) =>
      e.some((x) => x.data?.workflowRunEvents.type === 'RUN_COMPLETED'),
    );
    expect(events.flatMap((e) => e.errors ?? [])).toEqual([]);
    const data = events.map((e) => e.data!.workflowRunEvents);
    expect(data.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const event of data) expect(event.run.run.artifacts.edges[0]!.node.name).toBe(run.artifactName);

    // Gone for good: after the retry window the client gets an error, not a silent end.
    await stop();
    const ended = await stream.until((e) => e.some((x) => x.errors), 15_000);
    expect(ended.at(-1)!.errors![0]!.extensions).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    await restart();
  });

  it('a subgraph that is down: BACKEND_UNAVAILABLE naming it, never its address, with the rest of the data; its routes answer 503', async () => {
    const at = SUBGRAPHS.findIndex((s) => s.name === 'experiments');
    const { server, http } = servers[at]!;
    await http.close();
    try {
      const answer = await gql<{ experimentByName: unknown; settings: unknown }>(
        routerHttp.url,
        '{ experimentByName(name: "x") { id } settings(component: "x") { totalCount } }',
      );
      expect(answer.data).toEqual({ experimentByName: null, settings: { totalCount: 0 } });
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]!.extensions).toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        service: 'experiments',
      });
      expect(answer.errors![0]!.message).toMatch(/the experiments service is not answering/);
      const text = JSON.stringify(answer);
      expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}\b/);

      const mlflow = await fetch(`${routerHttp.url}/api/2.0/mlflow/experiments/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(mlflow.status).toBe(503);
      const body = (await mlflow.json()) as { error_code: string; message: string };
      expect(body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(body.message).not.toMatch(/127\.0\.0\.1/);
    } finally {
      servers[at] = {
        server,
        http: await serveFetch(server.fetch, {
          host: '127.0.0.1',
          port: http.port,
          websockets: server.websockets,
        }),
      };
    }
  });
});
