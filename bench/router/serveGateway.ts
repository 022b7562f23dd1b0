import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createRuntime } from '@jarvis/app';
import { parseConfig } from '@jarvis/config';
import { memoryPubSub } from '@jarvis/pubsub';
import { createRouter, type RouterSubgraph, serveFetch } from '@jarvis/router';
import { type Workload, workloadSubgraphs } from './workloads.ts';

/**
 * One router as its own process, on a free port; prints its URL. `jarvis`: ours, reaching the
 * subgraphs over HTTP (`jarvis serve router`); `jarvis-in-process`: ours with the subgraphs in
 * its process (`jarvis dev`); `apollo`: plain @apollo/gateway in @apollo/server.
 */
const [kind, supergraphFile, urlsJson, workload] = process.argv.slice(2) as [
  string,
  string,
  string,
  Workload,
];
const urls = JSON.parse(urlsJson) as Record<string, string>;
const standIns = workloadSubgraphs(workload, memoryPubSub());

if (kind === 'apollo') {
  const server = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphFile, 'utf8') }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  console.log(JSON.stringify({ url: `${url.replace(/\/$/, '')}/graphql` }));
} else {
  const config = parseConfig({ home: '/tmp/jarvis-bench-router', log: { level: 'silent' } }, 'bench', {});
  const runtime = await createRuntime(config, { database: false });
  const subgraphs: RouterSubgraph[] = standIns.map((s) =>
    kind === 'jarvis-in-process'
      ? { name: s.name, typeDefs: s.typeDefs, schema: s.schema, routes: [] }
      : { name: s.name, typeDefs: s.typeDefs, url: urls[s.name]! },
  );
  const router = createRouter({
    config,
    logger: runtime.logger,
    metrics: runtime.metrics,
    health: runtime.health,
    subgraphs,
    entityQueries: { WorkflowRun: 'query($entityId: ID!) { entity: workflowRun(id: $entityId) SELECTION }' },
  });
  await router.start();
  const server = await serveFetch(router.fetch, {
    host: '127.0.0.1',
    port: 0,
    websockets: router.websockets,
  });
  console.log(JSON.stringify({ url: `${server.url}/graphql` }));
}
process.on('SIGTERM', () => process.exit(0));
