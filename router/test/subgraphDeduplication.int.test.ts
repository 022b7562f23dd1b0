import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createRuntime } from '@jarvis/app';
import { loadConfig } from '@jarvis/config';
import { gql } from '@jarvis/testkit';
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../src/createRouter.ts';

// A subgraph behind HTTP that answers slowly and counts what it is asked.
const typeDefs = parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { answer: Int }`);
const schema = buildSubgraphSchema({ typeDefs, resolvers: { Query: { answer: () => 42 } } });
let server: http.Server;
let url: string;
let received = 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-subgraph-dedup-'));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', async () => {
      received++;
      const { query } = JSON.parse(body) as { query: string };
      const result = await execute({ schema, document: parse(query) });
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      }, 200);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** A router configured by a jarvis.yaml, as `jarvis serve router -c` starts one. */
async function routerFrom(yaml: string) {
  const file = path.join(dir, `${Math.random()}.yaml`);
  writeFileSync(file, `home: ${dir}\nlog:\n  level: silent\n${yaml}`);
  const { config } = loadConfig({ file, env: {} });
  const runtime = await createRuntime(config, { database: false });
  const router = createRouter({
    config,
    logger: runtime.logger,
    metrics: runtime.metrics,
    health: runtime.health,
    subgraphs: [{ name: 'answers', typeDefs, url }],
  });
  await router.start();
  return router;
}

// Two documents that differ (so inbound sharing keeps them apart) but plan the same subgraph request.
const differentButSame = ['{ answer }', '{  answer  }', 'query { answer }'];

/** Sends the three at once through a router configured by `yaml`; how many reached the subgraph. */
async function subgraphRequestsFor(yaml: string) {
  const router = await routerFrom(yaml);
  try {
    received = 0;
    const answers = await Promise.all(differentButSame.map((q) => gql<{ answer: number }>(router.fetch, q)));
    expect(answers.map((a) => a.data?.answer)).toEqual([42, 42, 42]);
    return received;
  } finally {
    await router.stop();
  }
}

describe('router.deduplication.subgraph_requests', () => {
  it('by default, identical subgraph requests in flight go out once, and every caller gets the answer', async () => {
    expect(await subgraphRequestsFor('')).toBe(1);
  });

  it('switched off in jarvis.yaml, each goes out on its own', async () => {
    expect(await subgraphRequestsFor('router:\n  deduplication:\n    subgraph_requests: false\n')).toBe(3);
  });
});
