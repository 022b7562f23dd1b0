import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createRequestContext, LOCAL_PRINCIPAL, type RequestContext, requestIdFrom } from '@jarvis/context';
import { asValidationError, formatError } from '@jarvis/errors';
import type { SubgraphModule } from '@jarvis/subgraph';
import type { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { handleGraphQL } from './apolloHandler.ts';
import { apolloServerFor } from './apolloServerFor.ts';
import type { Runtime } from './createRuntime.ts';
import { jsonResponse } from './jsonResponse.ts';
import { opsRoute } from './opsRoutes.ts';

export interface SubgraphServer {
  fetch(request: Request): Promise<Response>;
  /** graphql-ws on /graphql: where the router subscribes to this subgraph's root fields. */
  readonly websockets: {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
    close(): Promise<void>;
  };
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `jarvis serve <subgraph>`: one subgraph behind its own HTTP server, for the router to reach. */
export function createSubgraphServer(module: SubgraphModule, runtime: Runtime): SubgraphServer {
  const apollo = apolloServerFor({ schema: module.schema }, runtime.metrics, module.name);
  const contextOf = (headers: Headers) =>
    createRequestContext(runtime.logger, LOCAL_PRINCIPAL, requestIdFrom(headers));
  const wss = new WebSocketServer({ noServer: true });
  const format = (errors: readonly GraphQLError[], context?: RequestContext) =>
    errors.map((e) => formatError(e.toJSON(), e, context?.requestId));
  const sockets = useServer(
    {
      schema: module.schema,
      context: (ctx) => {
        const requestId = ctx.connectionParams?.['x-request-id'];
        return contextOf(new Headers(typeof requestId === 'string' ? { 'x-request-id': requestId } : {}));
      },
      onNext: (_ctx, _id, _payload, args, result) =>
        result.errors?.length
          ? {
              ...result,
              errors: format(result.errors as GraphQLError[], args.contextValue as RequestContext),
            }
          : result,
      // What graphql-ws reports itself is a document that does not validate.
      onError: (_ctx, _id, _payload, errors) => format(errors.map(asValidationError)),
    },
    wss,
    runtime.config.router.subscriptions.keep_alive_ms,
  );
  let closing: Promise<void> | undefined;
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
    websockets: {
      handleUpgrade(request, socket, head) {
        if (new URL(request.url ?? '/', 'http://subgraph.local').pathname !== '/graphql') {
          socket.destroy();
          return;
        }
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      },
      close() {
        // Going away (1001): routers reconnect and resubscribe, to this process or its successor.
        closing ??= (async () => {
          await sockets.dispose();
          await new Promise<void>((resolve) => wss.close(() => resolve()));
        })();
        return closing;
      },
    },
    async start() {
      await module.start();
      await apollo.start();
    },
    async stop() {
      await this.websockets.close();
      await apollo.stop();
      await module.stop();
    },
  };
}
