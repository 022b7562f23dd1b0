import http from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { PubSub } from '@jarvis/pubsub';
import { type DocumentNode, execute, type GraphQLSchema, parse, subscribe } from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/http';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/**
 * Three subgraphs of the shape of workflows, experiments and storage, on in-memory data, so the
 * benchmark measures the routers rather than a database: a workflow run (workflows) links an
 * experiment run (experiments) whose artifacts come from storage — two entity joins per query.
 */
export const RUNS = 1_000;

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

const WORKFLOWS = parse(`${fed}
type Query { workflowRun(id: ID!): WorkflowRun }
type Subscription { workflowRunEvents(runId: ID!): WorkflowRunEvent! }
type WorkflowRun @key(fields: "id") { id: ID! workflow: String! status: String! steps: [StepRun!]! run: Run }
type StepRun { stepId: ID! status: String! attempt: Int! }
type WorkflowRunEvent { sequence: Int! type: String! runId: ID! at: Float! run: WorkflowRun! }
type Run @key(fields: "id", resolvable: false) { id: ID! }`);

const EXPERIMENTS = parse(`${fed}
type Query { run(id: ID!): Run }
type Run @key(fields: "id") { id: ID! name: String! status: String! metrics: [Metric!]! }
type Metric { key: String! value: Float! }`);

const STORAGE = parse(`${fed}
type Query { artifact(id: ID!): Artifact }
type Run @key(fields: "id") { id: ID! artifacts(first: Int = 10): ArtifactConnection! }
type ArtifactConnection { totalCount: Int! edges: [ArtifactEdge!]! }
type ArtifactEdge { node: Artifact! }
type Artifact @key(fields: "id") { id: ID! name: String! version: Int! }`);

const index = (id: string) => Number(id.replace(/\D/g, '')) % RUNS;
const workflowRun = (id: string) => {
  const i = index(id);
  return {
    id,
    workflow: `pipeline-${i % 7}`,
    status: i % 5 ? 'COMPLETED' : 'RUNNING',
    steps: ['fetch', 'train', 'evaluate'].map((stepId, s) => ({
      stepId,
      status: 'COMPLETED',
      attempt: 1 + ((i + s) % 2),
    })),
    run: { id: `run-${i}` },
  };
};
const artifact = (id: string) => ({ id, name: `model-${index(id)}.bin`, version: 1 + (index(id) % 3) });

export function standInSubgraphs(
  bus: PubSub,
): { name: string; typeDefs: DocumentNode; schema: GraphQLSchema }[] {
  return [
    {
      name: 'workflows',
      typeDefs: WORKFLOWS,
      schema: buildSubgraphSchema({
        typeDefs: WORKFLOWS,
        resolvers: {
          Query: { workflowRun: (_: unknown, { id }: { id: string }) => workflowRun(id) },
          WorkflowRun: { __resolveReference: (ref: { id: string }) => workflowRun(ref.id) },
          WorkflowRunEvent: { run: (e: { runId: string }) => workflowRun(e.runId) },
          Subscription: {
            workflowRunEvents: {
              subscribe: (_: unknown, { runId }: { runId: string }) => bus.subscribe(`run.${runId}`),
              resolve: (event: unknown) => event,
            },
          },
        } as never,
      }),
    },
    {
      name: 'experiments',
      typeDefs: EXPERIMENTS,
      schema: buildSubgraphSchema({
        typeDefs: EXPERIMENTS,
        resolvers: {
          Query: { run: (_: unknown, { id }: { id: string }) => experimentRun(id) },
          Run: { __resolveReference: (ref: { id: string }) => experimentRun(ref.id) },
        } as never,
      }),
    },
    {
      name: 'storage',
      typeDefs: STORAGE,
      schema: buildSubgraphSchema({
        typeDefs: STORAGE,
        resolvers: {
          Query: { artifact: (_: unknown, { id }: { id: string }) => artifact(id) },
          Artifact: { __resolveReference: (ref: { id: string }) => artifact(ref.id) },
          Run: {
            __resolveReference: (ref: { id: string }) => ref,
            artifacts: (run: { id: string }, { first }: { first: number }) => {
              const all = [0, 1].map((n) => artifact(`${run.id}-${n}`));
              return { totalCount: all.length, edges: all.slice(0, first).map((node) => ({ node })) };
            },
          },
        } as never,
      }),
    },
  ];
}

function experimentRun(id: string) {
  const i = index(id);
  return {
    id,
    name: `trial-${i}`,
    status: 'FINISHED',
    metrics: ['loss', 'accuracy', 'f1', 'precision', 'recall'].map((key, k) => ({
      key,
      value: ((i + k) % 100) / 100,
    })),
  };
}

/**
 * A lean GraphQL-over-HTTP server for one subgraph (parse cache, graphql-js execute), and
 * graphql-ws on the same port for subscriptions; POST /publish emits an event.
 */
export async function serveSubgraph(
  subgraph: { name: string; schema: GraphQLSchema },
  bus: PubSub,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const documents = new Map<string, DocumentNode>();
  // Hive Gateway subscribes to subgraphs over SSE by default; ours uses graphql-ws.
  const sse = createSseHandler({ schema: subgraph.schema });
  const server = http.createServer((req, res) => {
    if (req.headers.accept?.includes('text/event-stream')) {
      void sse(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/stats') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ subscribers: bus.subscriberCount() }));
        return;
      }
      if (req.url === '/publish') {
        const { runId, event } = JSON.parse(body) as { runId: string; event: Record<string, unknown> };
        await bus.publish(`run.${runId}`, { ...event, at: Date.now() });
        res.writeHead(204).end();
        return;
      }
      const { query, variables, operationName } = JSON.parse(body) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      let document = documents.get(query);
      if (!document) {
        document = parse(query);
        documents.set(query, document);
      }
      const result = await execute({
        schema: subgraph.schema,
        document,
        variableValues: variables ?? {},
        operationName: operationName ?? null,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const ws = useServer({ schema: subgraph.schema, subscribe }, wss);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    async close() {
      await ws.dispose();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
