import { Writable } from 'node:stream';
import { createLogger } from '@jarvis/context';
import { testJarvis } from '@jarvis/testkit';
import {
  buildClientSchema,
  type GraphQLSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOperation } from './fuzz/generateOperation.ts';
import { nastyString, type Random, seededRandom } from './fuzz/seededRandom.ts';

/*
 * Hostile input at every door, generated from the live schema and the MLflow routes. Seeded,
 * so a failure replays: FUZZ_SEED=<seed> FUZZ_COUNT=<n> reproduces a run exactly. What must
 * hold for every input: no HTTP 5xx, and no INTERNAL_SERVER_ERROR (that code means a bug).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const GRAPHQL_COUNT = Number(process.env.FUZZ_COUNT ?? 5000);
const MLFLOW_COUNT = Number(process.env.FUZZ_MLFLOW_COUNT ?? 3000);

type Fetch = (request: Request) => Promise<Response>;

interface Failure {
  input: string;
  status: number;
  body: string;
}

async function check(fetch: Fetch, request: Request, input: string, failures: Failure[]) {
  const response = await fetch(request);
  const body = await response.text();
  if (response.status >= 500 || body.includes('INTERNAL_SERVER_ERROR') || body.includes('INTERNAL_ERROR'))
    failures.push({ input, status: response.status, body: body.slice(0, 400) });
  return { status: response.status, body };
}

const post = (body: string, contentType = 'application/json', path = '/graphql') =>
  new Request(`http://jarvis.test${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

/** A document with a character dropped, doubled or swapped in: mostly a parse or validation error. */
function corrupt(r: Random, query: string): string {
  const at = r.int(query.length);
  switch (r.int(3)) {
    case 0:
      return query.slice(0, at) + query.slice(at + 1);
    case 1:
      return query.slice(0, at) + query[at] + query.slice(at);
    default:
      return query.slice(0, at) + r.pick(['{', '}', '(', '$', '"', '\\', '@', '...', '#']) + query.slice(at);
  }
}

/** Every line Jarvis logs during the fuzz, parsed: what an operator's log would hold. */
const logLines: { level: number; msg: string; code?: string; err?: { stack?: string } }[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
    done();
  },
});

describe(`fuzz (seed ${SEED})`, () => {
  let jarvis: Awaited<ReturnType<typeof testJarvis>>;
  let schema: GraphQLSchema;
  beforeAll(async () => {
    jarvis = await testJarvis(
      { services: { notifications: { max_attempts: 1, timeout_ms: 500 } } },
      { logger: createLogger({ level: 'debug', destination: logStream }) },
    );
    const response = await jarvis.router.fetch(post(JSON.stringify({ query: getIntrospectionQuery() })));
    schema = buildClientSchema(((await response.json()) as { data: IntrospectionQuery }).data);
  });
  afterAll(() => jarvis[Symbol.asyncDispose]());

  it(`${GRAPHQL_COUNT} generated GraphQL requests: no 5xx, no INTERNAL_SERVER_ERROR`, async () => {
    const r = seededRandom(SEED);
    const failures: Failure[] = [];
    const codes = new Map<string, number>();
    for (let i = 0; i < GRAPHQL_COUNT; i++) {
      const op = generateOperation(r, schema, r.chance(0.55) ? 'query' : 'mutation');
      let body: string;
      const shape = r.int(20);
      if (shape === 0) body = JSON.stringify({ query: corrupt(r, op.query), variables: op.variables });
      else if (shape === 1)
        body = JSON.stringify({ query: op.query, variables: op.variables, operationName: 'Nope' });
      else if (shape === 2)
        body = JSON.stringify({
          query: op.query,
          variables: op.variables,
          extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } },
        });
      else if (shape === 3)
        body = JSON.stringify(r.pick([[], [op], 'x', 1, null, { query: 1 }, { variables: 'x' }]));
      else if (shape === 4) body = JSON.stringify({ query: op.query, variables: r.pick([[], 'x', 1]) });
      else body = JSON.stringify(op);
      const { body: answer } = await check(
        jarvis.router.fetch,
        post(body),
        `#${i} ${body.slice(0, 600)}`,
        failures,
      );
      for (const m of answer.matchAll(/"code":"([A-Z_]+)"/g)) codes.set(m[1]!, (codes.get(m[1]!) ?? 0) + 1);
    }
    // The generator reaches past validation into the services (else this test proves little).
    expect(codes.get('BAD_USER_INPUT') ?? 0).toBeGreaterThan(200);
    expect(codes.get('GRAPHQL_VALIDATION_FAILED') ?? 0).toBeGreaterThan(50);
    expect(failures.slice(0, 15)).toEqual([]);
  });

  it('raw request shapes: wrong content types, GET with odd parameters, invalid UTF-8', async () => {
    const failures: Failure[] = [];
    const f = jarvis.router.fetch;
    const requests: [string, Request][] = [
      ['text/plain', post('{ __typename }', 'text/plain')],
      ['form', post('query=%7B__typename%7D', 'application/x-www-form-urlencoded')],
      ['bad json', post('{"query":')],
      ['invalid utf-8', post(Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1'))],
      [
        'GET no query',
        new Request('http://jarvis.test/graphql?variables=%7B', { headers: { accept: 'application/json' } }),
      ],
      [
        'GET mutation',
        new Request('http://jarvis.test/graphql?query=mutation%7BdeleteSetting(component:"a",key:"b")%7D', {
          headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
        }),
      ],
      [
        'GET bad extensions',
        new Request('http://jarvis.test/graphql?query=%7B__typename%7D&extensions=%7B', {
          headers: { accept: 'application/json' },
        }),
      ],
      ['unknown route', new Request('http://jarvis.test/nope/%zz')],
      ['unknown method', new Request('http://jarvis.test/graphql', { method: 'DELETE' })],
      [
        'storage bad part path',
        new Request('http://jarvis.test/storage/uploads/%zz/parts/1', { method: 'PUT', body: 'x' }),
      ],
      ['storage bad id', new Request('http://jarvis.test/storage/artifacts/1/content')],
      ['worker bad body', post('[1,2', 'application/json', '/workflows/worker/poll')],
      ['worker not object', post('"x"', 'application/json', '/workflows/worker/nope')],
    ];
    for (const [name, request] of requests) await check(f, request, name, failures);
    expect(failures).toEqual([]);
  });

  it(`${MLFLOW_COUNT} generated MLflow REST requests: MLflow's error shape, never 5xx`, async () => {
    const ENDPOINTS: [string, string][] = [
      ['POST', 'experiments/create'],
      ['GET', 'experiments/get'],
      ['GET', 'experiments/get-by-name'],
      ['POST', 'experiments/search'],
      ['POST', 'experiments/update'],
      ['POST', 'experiments/delete'],
      ['POST', 'experiments/restore'],
      ['POST', 'experiments/delete-experiment-tag'],
      ['POST', 'experiments/set-experiment-tag'],
      ['POST', 'runs/create'],
      ['GET', 'runs/get'],
      ['POST', 'runs/update'],
      ['POST', 'runs/delete'],
      ['POST', 'runs/restore'],
      ['POST', 'runs/log-metric'],
      ['POST', 'runs/log-parameter'],
      ['POST', 'runs/set-tag'],
      ['POST', 'runs/delete-tag'],
      ['POST', 'runs/log-batch'],
      ['POST', 'runs/log-inputs'],
      ['GET', 'metrics/get-history'],
      ['POST', 'runs/search'],
      ['POST', 'logged-models/search'],
      ['POST', 'registered-models/create'],
      ['GET', 'registered-models/get'],
      ['POST', 'registered-models/rename'],
      ['PATCH', 'registered-models/update'],
      ['DELETE', 'registered-models/delete'],
      ['GET', 'registered-models/search'],
      ['POST', 'registered-models/get-latest-versions'],
      ['POST', 'registered-models/set-tag'],
      ['DELETE', 'registered-models/delete-tag'],
      ['POST', 'registered-models/alias'],
      ['DELETE', 'registered-models/alias'],
      ['GET', 'registered-models/alias'],
      ['POST', 'model-versions/create'],
      ['GET', 'model-versions/get'],
      ['PATCH', 'model-versions/update'],
      ['DELETE', 'model-versions/delete'],
      ['GET', 'model-versions/search'],
      ['GET', 'model-versions/get-download-uri'],
      ['POST', 'model-versions/set-tag'],
      ['DELETE', 'model-versions/delete-tag'],
      ['GET', 'artifacts/list'],
      ['PUT', '../mlflow-artifacts/artifacts/%zz'],
      ['GET', '../mlflow-artifacts/artifacts/%'],
      ['PUT', '../mlflow-artifacts/artifacts/0/abc/artifacts/%00.txt'],
      ['DELETE', '../mlflow-artifacts/artifacts/%E0%A4%A'],
      ['GET', 'no-such-endpoint'],
      ['POST', 'runs/no-such'],
    ];
    const PARAMS = [
      'alias',
      'datasets',
      'description',
      'end_time',
      'experiment_id',
      'experiment_ids',
      'experiment_name',
      'filter',
      'key',
      'max_results',
      'metric_key',
      'metrics',
      'name',
      'new_name',
      'order_by',
      'page_token',
      'params',
      'run_id',
      'run_uuid',
      'run_name',
      'source',
      'stages',
      'start_time',
      'status',
      'step',
      'tags',
      'timestamp',
      'user_id',
      'value',
      'version',
    ];
    const r = seededRandom(SEED + 1);
    const value = (): unknown =>
      r.pick([
        () => nastyString(r),
        () => r.pick([0, -1, 1, 2 ** 63, 1.5, 1e308]),
        () => [nastyString(r), nastyString(r)],
        () => [
          {
            key: nastyString(r),
            value: r.pick([1, 'x', null, 1e308]),
            timestamp: 1,
            step: r.pick([0, -1, 'x']),
          },
        ],
        () => ({ k: nastyString(r) }),
        () => null,
        () => true,
      ])();
    // encodeURIComponent throws on a lone surrogate; a client would send its UTF-8 replacement.
    const encode = (v: string) => encodeURIComponent(v.toWellFormed());
    const failures: Failure[] = [];
    for (let i = 0; i < MLFLOW_COUNT; i++) {
      const [method, path] = r.pick(ENDPOINTS);
      const params: Record<string, unknown> = {};
      for (let n = r.int(5); n > 0; n--) params[r.pick(PARAMS)] = value();
      let url = `http://jarvis.test/api/2.0/mlflow/${path}`;
      url = new URL(url).href === url ? url : `http://jarvis.test/api/2.0/${path.replace('../', '')}`;
      let init: RequestInit = { method };
      if (method === 'GET' || (method === 'DELETE' && r.chance(0.5))) {
        const q = Object.entries(params)
          .map(
            ([k, v]) =>
              `${k}=${r.chance(0.2) ? '%zz' : encode(typeof v === 'string' ? v : JSON.stringify(v))}`,
          )
          .join('&');
        url += q ? `?${q}` : '';
      } else {
        const body = r.chance(0.05) ? r.pick(['{', '[]', '"x"', 'null', '\u0000']) : JSON.stringify(params);
        init = { method, body, headers: { 'content-type': 'application/json' } };
      }
      const request = new Request(url, init);
      const { status, body } = await check(
        jarvis.router.fetch,
        request,
        `#${i} ${method} ${url} ${String(init.body ?? '').slice(0, 300)}`,
        failures,
      );
      if (status >= 400 && url.includes('/api/2.0/mlflow/') && !body.includes('"error_code"'))
        failures.push({
          input: `#${i} ${method} ${url}`,
          status,
          body: `not in MLflow's error shape: ${body.slice(0, 200)}`,
        });
    }
    expect(failures.slice(0, 15)).toEqual([]);
  });

  it('logs refusals at info with their code and no stack, and nothing at warn or error', () => {
    const serious = logLines.filter((l) => l.level >= 40);
    expect(serious.slice(0, 5)).toEqual([]);
    expect(logLines.filter((l) => JSON.stringify(l).includes('"stack"')).slice(0, 5)).toEqual([]);
    const refused = logLines.filter((l) => l.msg === 'operation refused');
    expect(refused.length).toBeGreaterThan(GRAPHQL_COUNT / 4);
    expect(refused.filter((l) => !l.code).slice(0, 5)).toEqual([]);
    expect(logLines.filter((l) => l.msg === 'MLflow API request refused').length).toBeGreaterThan(
      MLFLOW_COUNT / 10,
    );
  });
});
