import { createRequestContext, LOCAL_PRINCIPAL, requestIdFrom } from '@jarvis/context';
import type { SubgraphDeps, SubgraphModule } from '@jarvis/subgraph';
import { handleGraphQL } from './apolloHandler.ts';
import { apolloServerFor } from './apolloServerFor.ts';
import { graphqlWsEndpoint, type WebSocketEndpoint } from './graphqlWsEndpoint.ts';
import { jsonResponse } from './jsonResponse.ts';
import { opsRoute } from './opsRoutes.ts';

export interface SubgraphServer {
  fetch(request: Request): Promise<Response>;
  /** graphql-ws on /graphql: where the router subscribes to this subgraph's root fields. */
  readonly websockets: WebSocketEndpoint;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `jarvis serve <subgraph>`: one subgraph behind its own HTTP server, for the router to reach. */
/** What serving a subgraph needs of its process's shared services. */
export type SubgraphServerDeps = Pick<SubgraphDeps, 'config' | 'logger' | 'metrics' | 'health'>;

export function createSubgraphServer(module: SubgraphModule, runtime: SubgraphServerDeps): SubgraphServer {
  const apollo = apolloServerFor({ schema: module.schema }, runtime.metrics, module.name);
  const contextOf = (headers: Headers) =>
    createRequestContext(runtime.logger, LOCAL_PRINCIPAL, requestIdFrom(headers));
  // Going away (1001) on close: routers reconnect and resubscribe, to this process or its successor.
  const websockets = graphqlWsEndpoint(
    {
      schema: module.schema,
      context: (ctx) => {
        const requestId = ctx.connectionParams?.['x-request-id'];
        return contextOf(new Headers(typeof requestId === 'string' ? { 'x-request-id': requestId } : {}));
      },
    },
    runtime.config.router.subscriptions.keep_alive_ms,
  );
  return {
    async fetch(request) {
      const path = new URL(request.url).pathname;
      const context = contextOf(request.headers);
      if (path === '/graphql')
        return handleGraphQL(apollo, request, context, {
          maxBodyBytes: runtime.config.server.max_body_bytes,
        });
      const ops = await opsRoute(path, runtime.health, runtime.metrics);
      if (ops) return ops;
      for (const r of module.routes) {
        const matches = r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : path === r.path;
        if (matches && r.method === request.method) return r.handler(request, context);
      }
      return jsonResponse({ error: `no route for ${request.method} ${path}` }, 404);
    },
    websockets,
    async start() {
      await module.start();
      await apollo.start();
    },
    async stop() {
      await websockets.close();
      await apollo.stop();
      await module.stop();
    },
  };
}
