import { gzipSync } from 'node:zlib';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, liveSubscription, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** An OTLP/JSON export of one trace: a root span and `children` spans under it. */
function export_(traceHex: string, children = 1, end = true) {
  const root = 'b7ad6b7169203331';
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent-7' } }] },
        scopeSpans: [
          {
            spans: [
              ...(end
                ? [
                    {
                      traceId: traceHex,
                      spanId: root,
                      name: 'agent',
                      startTimeUnixNano: '1796100000000000000',
                      endTimeUnixNano: '1796100000500000000',
                      attributes: [{ key: 'mlflow.spanInputs', value: { stringValue: '{"q": "hi"}' } }],
                      status: { code: 1 },
                    },
                  ]
                : []),
              ...Array.from({ length: children }, (_, i) => ({
                traceId: traceHex,
                spanId: (i + 1).toString(16).padStart(16, '0'),
                parentSpanId: root,
                name: `tool-${i}`,
                startTimeUnixNano: String(1796100000000000000n + BigInt(i + 1) * 1000000n),
                endTimeUnixNano: String(1796100000000000000n + BigInt(i + 2) * 1000000n),
                status: { code: 0 },
              })),
            ],
          },
        ],
      },
    ],
  };
}

describe('MLflow traces through Jarvis', () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let mine: string;
  let theirs: string;
  let viewer: string;
  let experiment: string;

  const post = (key: string, body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${jarvis.url}/v1/traces`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-mlflow-experiment-id': experiment,
        ...headers,
      },
      body,
    });

  beforeAll(async () => {
    jarvis = await servedJarvis({ auth: { mode: 'keys' } });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    await identity.createProjectAsOperator('elsewhere');
    mine = (await identity.issueKey({ projectId: 'default', name: 'agent', role: 'launcher' })).secret;
    theirs = (await identity.issueKey({ projectId: 'elsewhere', name: 'other', role: 'admin' })).secret;
    viewer = (await identity.issueKey({ projectId: 'default', name: 'dashboard', role: 'viewer' })).secret;
    const created = await gql<{ createExperiment: { id: string } }>(
      jarvis.url,
      'mutation { createExperiment(name: "agents") { id } }',
      {},
      { authorization: `Bearer ${mine}` },
    );
    experiment = created.data!.createExperiment.id;
  });
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('traceLogged streams each trace as its spans arrive, with the spans of the moment', async () => {
    const stream = await liveSubscription<{
      traceLogged: { id: string; name: string | null; state: string; spans: { name: string }[] };
    }>(
      jarvis,
      'subscription($e: ID!) { traceLogged(experimentId: $e) { id name state spans { name } } }',
      { e: experiment },
      { authorization: `Bearer ${mine}` },
    );
    try {
      const hex = '1af7651916cd43dd8448eb211c80319c';
      // A child first (the root has not ended), then the root: the trace completes.
      expect((await post(mine, JSON.stringify(export_(hex, 1, false)))).status).toBe(200);
      expect(
        (await post(mine, gzipSync(JSON.stringify(export_(hex, 0))), { 'content-encoding': 'gzip' })).status,
      ).toBe(200);
      const events = await stream.until(2);
      expect(events.map((e) => e.errors)).toEqual([undefined, undefined]);
      expect(events[0]!.data!.traceLogged).toMatchObject({
        id: `tr-${hex}`,
        state: 'IN_PROGRESS',
        name: null,
      });
      expect(events[1]!.data!.traceLogged).toMatchObject({ id: `tr-${hex}`, state: 'OK', name: 'agent' });
      expect(events[1]!.data!.traceLogged.spans.map((s) => s.name)).toEqual(['agent', 'tool-0']);
    } finally {
      await stream.dispose();
    }
  });

  it('the same spans sent twice at once make one trace with each span once', async () => {
    const hex = '2af7651916cd43dd8448eb211c80319c';
    const body = JSON.stringify(export_(hex, 3));
    const answers = await Promise.all([post(mine, body), post(mine, body), post(mine, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const trace = await gql<{ trace: { spans: { name: string }[]; tags: { key: string; value: string }[] } }>(
      jarvis.url,
      `{ trace(id: "tr-${hex}") { spans { name } tags { key value } } }`,
      {},
      { authorization: `Bearer ${mine}` },
    );
    expect(trace.data!.trace.spans.map((s) => s.name)).toEqual(['agent', 'tool-0', 'tool-1', 'tool-2']);
    expect(trace.data!.trace.tags).toContainEqual({ key: 'service.name', value: 'agent-7' });
  });

  it("another project neither sees a trace nor writes into it, and cannot send spans to this project's experiment", async () => {
    const hex = '3af7651916cd43dd8448eb211c80319c';
    expect((await post(mine, JSON.stringify(export_(hex, 1)))).status).toBe(200);
    const seen = await gql<{ trace: unknown }>(
      jarvis.url,
      `{ trace(id: "tr-${hex}") { id } }`,
      {},
      { authorization: `Bearer ${theirs}` },
    );
    expect(seen.data!.trace).toBeNull();
    const info = await fetch(`${jarvis.url}/api/3.0/mlflow/traces/tr-${hex}`, {
      headers: { authorization: `Bearer ${theirs}` },
    });
    expect(info.status).toBe(404);
    // Their own experiment, our trace id: refused, nothing of ours changed.
    const theirExperiment = await gql<{ createExperiment: { id: string } }>(
      jarvis.url,
      'mutation { createExperiment(name: "theirs") { id } }',
      {},
      { authorization: `Bearer ${theirs}` },
    );
    const hijack = await post(theirs, JSON.stringify(export_(hex, 2)), {
      'x-mlflow-experiment-id': theirExperiment.data!.createExperiment.id,
    });
    expect(hijack.status).toBe(409);
    // Our experiment id from their key: it does not exist for them.
    expect((await post(theirs, JSON.stringify(export_('4af7651916cd43dd8448eb211c80319c', 1)))).status).toBe(
      404,
    );
    const ours = await gql<{ trace: { spans: unknown[] } }>(
      jarvis.url,
      `{ trace(id: "tr-${hex}") { spans { name } } }`,
      {},
      { authorization: `Bearer ${mine}` },
    );
    expect(ours.data!.trace.spans).toHaveLength(2);
  });

  it("a trace's info and its spans raced, each sent twice at once: one trace, every span once, the client's final info", async () => {
    const hex = '6af7651916cd43dd8448eb211c80319c';
    const info = {
      trace: {
        trace_info: {
          trace_id: `tr-${hex}`,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experiment } },
          request_time: '2026-12-01T00:00:00Z',
          execution_duration: '0.5s',
          state: 'OK',
          trace_metadata: { 'mlflow.traceInputs': '{"q": "hi"}' },
          tags: { 'mlflow.traceName': 'agent', env: 'prod' },
        },
      },
    };
    const start = () =>
      fetch(`${jarvis.url}/api/3.0/mlflow/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${mine}`, 'content-type': 'application/json' },
        body: JSON.stringify(info),
      });
    const spans = JSON.stringify(export_(hex, 2));
    const answers = await Promise.all([start(), post(mine, spans), start(), post(mine, spans)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const read = await fetch(`${jarvis.url}/api/3.0/mlflow/traces/get?trace_id=tr-${hex}`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    const { trace } = (await read.json()) as {
      trace: {
        trace_info: { state: string; tags: Record<string, string>; trace_metadata: Record<string, string> };
        spans: { name: string }[];
      };
    };
    expect(trace.spans.map((s) => s.name)).toEqual(['agent', 'tool-0', 'tool-1']);
    expect(trace.trace_info.state).toBe('OK');
    expect(trace.trace_info.tags).toMatchObject({
      env: 'prod',
      'mlflow.traceName': 'agent',
      'mlflow.trace.spansLocation': 'TRACKING_STORE',
    });
    expect(trace.trace_info.trace_metadata).toMatchObject({ 'mlflow.traceInputs': '{"q": "hi"}' });
  });

  it("logged models are the project's: another project's key neither reads, finds, tags nor deletes one", async () => {
    const as = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
    const created = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models`, {
      method: 'POST',
      headers: as(mine),
      body: JSON.stringify({ experiment_id: experiment, name: 'private-model' }),
    });
    const id = ((await created.json()) as { model: { info: { model_id: string } } }).model.info.model_id;
    const probes = [
      fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/${id}`, { headers: as(theirs) }),
      fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/${id}/tags`, {
        method: 'PATCH',
        headers: as(theirs),
        body: JSON.stringify({ tags: [{ key: 'owned', value: 'yes' }] }),
      }),
      fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/${id}`, { method: 'DELETE', headers: as(theirs) }),
    ];
    expect((await Promise.all(probes)).map((r) => r.status)).toEqual([404, 404, 404]);
    const search = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/search`, {
      method: 'POST',
      headers: as(theirs),
      body: JSON.stringify({ experiment_ids: [experiment] }),
    });
    expect(await search.json()).toEqual({});
    const mineNow = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/${id}`, { headers: as(mine) });
    const model = ((await mineNow.json()) as { model: { info: { tags?: unknown } } }).model;
    expect(model.info.tags).toBeUndefined();
  });

  it('a viewer reads traces but cannot write them', async () => {
    const refused = await post(viewer, JSON.stringify(export_('7af7651916cd43dd8448eb211c80319c')));
    expect(refused.status).toBe(403);
    const search = await fetch(`${jarvis.url}/api/3.0/mlflow/traces/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: [experiment], max_results: 100 }),
    });
    expect(search.status).toBe(200);
    expect(((await search.json()) as { traces: unknown[] }).traces.length).toBeGreaterThan(0);
  });

  it('careless and hostile exports get a 4xx that says what is wrong, never a 5xx', async () => {
    const cases: [BodyInit, Record<string, string>, number][] = [
      ['{"resourceSpans": [', {}, 400],
      [JSON.stringify({ resourceSpans: [] }), {}, 400],
      [
        JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: '01' }] }] }] }),
        {},
        400,
      ],
      [
        new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        { 'content-type': 'application/x-protobuf' },
        400,
      ],
      ['not gzip', { 'content-encoding': 'gzip' }, 400],
      // 64 MiB of zeros in 64 KiB: refused as it inflates past the body limit.
      [gzipSync(Buffer.alloc(64 * 1024 * 1024)), { 'content-encoding': 'gzip' }, 413],
      ['{}', { 'content-type': 'text/plain' }, 400],
      [
        JSON.stringify(export_('5af7651916cd43dd8448eb211c80319c')),
        { 'x-mlflow-experiment-id': 'nope' },
        404,
      ],
    ];
    for (const [body, headers, status] of cases) {
      const answer = await post(mine, body, headers);
      const text = await answer.text();
      expect(answer.status, `${JSON.stringify(headers)} ${text}`).toBe(status);
      expect(JSON.parse(text)).toHaveProperty('detail');
    }
    expect((await fetch(`${jarvis.url}/v1/traces`, { method: 'POST', body: '{}' })).status).toBe(401);
  });
});
