import { createRequestContext, LOCAL_PRINCIPAL, requestIdFrom } from '@jarvis/context';
import type { SubgraphModule } from '@jarvis/subgraph';
import { handleGraphQL } from './apolloHandler.ts';
import { apolloServerFor } from './apolloServerFor.ts';
import type { Runtime } from './createRuntime.ts';
import { jsonResponse } from './jsonResponse.ts';
import { opsRoute } from './opsRoutes.ts';

export interface SubgraphServer {
  fetch(request: Request): Promise<Response>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `jarvis serve <subgraph>`: one subgraph behind its own HTTP server, for the router to reach. */
export function createSubgraphServer(module: SubgraphModule, runtime: Runtime): SubgraphServer {
  const apollo = apolloServerFor({ schema: module.schema }, runtime.metrics, module.name);
  return {
    async fetch(request) {
      const path = new URL(request.url).pathname;
      const context = createRequestContext(runtime.logger, LOCAL_PRINCIPAL, requestIdFrom(request.headers));
      if (path === '/graphql')
        return handleGraphQL(apollo, request, context, runtime.config.server.max_body_bytes);
      const ops = await opsRoute(path, runtime.health, runtime.metrics);
      if (ops) return ops;
      for (const r of module.routes) {
        const matches = r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : path === r.path;
        if (matches && r.method === request.method) return r.handler(request, context);
      }
      return jsonResponse({ error: `no route for ${request.method} ${path}` }, 404);
    },
    async start() {
      await module.start();
      await apollo.start();
    },
    async stop() {
      await apollo.stop();
      await module.stop();
    },
  };
}
