import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subgraphFetcher } from '../src/subgraphFetcher.ts';

let server: http.Server;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push(`${req.headers.authorization ?? ''} ${body}`);
      // Slow enough that the concurrent requests below overlap.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { n: received.length } }));
      }, 50);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(() => new Promise((r) => server.close(r)));

const call = (body: unknown, authorization = 'Bearer a') =>
  subgraphFetcher(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, 'x-request-id': Math.random().toString() },
    body: JSON.stringify(body),
  }).then((r) => r.json());

it('identical queries in flight share one subgraph request; other variables, credentials and mutations do not', async () => {
  received.length = 0;
  const query = { query: 'query Q($id: ID!) { run(id: $id) { name } }', variables: { id: '1' } };
  const answers = await Promise.all([
    call(query),
    call(query),
    call(query),
    call({ ...query, variables: { id: '2' } }),
    call(query, 'Bearer b'),
    call({ query: 'mutation { start { id } }' }),
    call({ query: 'mutation { start { id } }' }),
  ]);
  expect(received).toHaveLength(5);
  expect(answers[0]).toEqual(answers[1]);
  expect(answers[1]).toEqual(answers[2]);
  // Once answered, the next identical query goes out again: nothing is cached.
  await call(query);
  expect(received).toHaveLength(6);
});
