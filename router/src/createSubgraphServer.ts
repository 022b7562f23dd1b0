import { INTERNAL_HEADER, verifyPrincipal } from '@jarvis/auth';
import { createRequestContext, LOCAL_PRINCIPAL, type Principal, requestIdFrom } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import type { SubgraphDeps, SubgraphModule } from '@jarvis/subgraph';
import { handleGraphQL } from './apolloHandler.ts';
import { apolloServerFor } from './apolloServerFor.ts';
import { authErrorResponse } from './auth/authErrorResponse.ts';
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
  const secret = runtime.config.auth.internal_secret;
  if (!secret && runtime.config.auth.mode !== 'local')
    throw new Error(
      `auth.mode is ${runtime.config.auth.mode}: set auth.internal_secret (32+ characters, the same for the router and every subgraph) so this subgraph can tell the router's calls from anyone else's`,
    );
  /**
   * Who is calling, as the router vouched (signed with auth.internal_secret): a subgraph behind
   * `jarvis serve` trusts nothing else, so a request sent to it directly is refused. Without a
   * secret (auth.mode local, loopback only) every caller is the local admin.
   */
  const principalOf = async (vouched: string | null | undefined): Promise<Principal> => {
    if (!secret) return LOCAL_PRINCIPAL;
    if (!vouched)
      throw new JarvisError(
        ErrorCode.UNAUTHENTICATED,
        'this service answers the router only; send requests to the router',
      );
    try {
      return await verifyPrincipal(vouched, secret);
    } catch {
      throw new JarvisError(
        ErrorCode.UNAUTHENTICATED,
        'the internal credentials are not valid; is auth.internal_secret the same for the router and this service?',
      );
    }
  };
  const contextOf = async (headers: Headers, vouched: string | null | undefined) => {
    const context = createRequestContext(runtime.logger, await principalOf(vouched), requestIdFrom(headers));
    const clientAddress = headers.get('x-jarvis-client-address');
    return clientAddress && secret ? { ...context, clientAddress } : context;
  };
  // Going away (1001) on close: routers reconnect and resubscribe, to this process or its successor.
  const websockets = graphqlWsEndpoint(
    {
      schema: module.schema,
      onConnect: async (ctx) => {
        try {
          await principalOf(ctx.connectionParams?.[INTERNAL_HEADER] as string | undefined);
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => {
        const requestId = ctx.connectionParams?.['x-request-id'];
        return contextOf(
          new Headers(typeof requestId === 'string' ? { 'x-request-id': requestId } : {}),
          ctx.connectionParams?.[INTERNAL_HEADER] as string | undefined,
        );
      },
    },
    runtime.config.router.subscriptions.keep_alive_ms,
  );
  return {
    async fetch(request) {
      const path = new URL(request.url).pathname;
      const ops = await opsRoute(path, runtime.health, runtime.metrics);
      if (ops) return ops;
      let context: Awaited<ReturnType<typeof contextOf>>;
      try {
        context = await contextOf(request.headers, request.headers.get(INTERNAL_HEADER));
      } catch (error) {
        runtime.logger.warn({ path }, "request without the router's credentials refused");
        return authErrorResponse(request, error as JarvisError);
      }
      if (path === '/graphql')
        return handleGraphQL(apollo, request, context, {
          maxBodyBytes: runtime.config.server.max_body_bytes,
        });
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
