import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import type { JarvisConfig } from '@jarvis/config';
import {
  createRequestContext,
  LOCAL_PRINCIPAL,
  type Logger,
  type Principal,
  type RequestContext,
  requestIdFrom,
  runWithContext,
} from '@jarvis/context';
import type { EntityQueries, HttpRoute } from '@jarvis/subgraph';
import type { HealthRegistry, JarvisMetrics } from '@jarvis/telemetry';
import {
  buildSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  Kind,
  printSchema,
} from 'graphql';
import { handleGraphQL } from './apolloHandler.ts';
import { apolloServerFor } from './apolloServerFor.ts';
import { composeSupergraph } from './composeSupergraph.ts';
import { forwardRequest } from './forwardRequest.ts';
import { graphiqlAsset, graphiqlPage, wantsGraphiql } from './graphiql.ts';
import { InProcessDataSource } from './inProcessDataSource.ts';
import { jsonResponse } from './jsonResponse.ts';
import { limitsPlugin } from './operations/limitsPlugin.ts';
import { listSizesOf } from './operations/listSizes.ts';
import { operationLimiter } from './operations/operationLimits.ts';
import { operationResolutionPlugin } from './operations/operationResolutionPlugin.ts';
import { operationPreparer } from './operations/prepareOperation.ts';
import { loadManifests, sha256, trustedDocuments } from './operations/trustedDocuments.ts';
import { opsRoute } from './opsRoutes.ts';
import { RemoteSubgraphSource } from './remoteSubgraphSource.ts';
import {
  type FederatedSubscriptions,
  federatedSubscriptions,
} from './subscriptions/federatedSubscriptions.ts';
import { createSseHandler } from './subscriptions/sseHandler.ts';
import { subgraphSubscriptions } from './subscriptions/subgraphSubscriptions.ts';
import { createSubscriptionServer, type SubscriptionServer } from './subscriptions/subscriptionServer.ts';

/** A subgraph as the router sees it: executed in this process, or reached at a URL. */
export type RouterSubgraph =
  | { name: string; typeDefs: DocumentNode; schema: GraphQLSchema; routes: HttpRoute[] }
  | { name: string; typeDefs: DocumentNode; url: string; routePrefixes?: string[] };

export interface RouterOptions {
  config: JarvisConfig;
  logger: Logger;
  metrics: JarvisMetrics;
  health: HealthRegistry;
  subgraphs: RouterSubgraph[];
  /** Who is calling. Until identity lands every request is the local dev principal. */
  authenticate?: (request: Request) => Promise<Principal>;
  /** How to fetch each entity an event names, from every subgraph. */
  entityQueries?: EntityQueries;
  /**
   * Operations always registered as trusted, beside the configured manifests: the clients'
   * own (the generated SDK's manifest files, the worker's documents). The application passes
   * them, so the router depends on no client.
   */
  documents?: { manifests?: string[]; texts?: readonly string[] };
}

export interface Router {
  /** The whole HTTP surface as a fetch handler: tests call it with no port at all. */
  fetch(request: Request): Promise<Response>;
  readonly supergraphSdl: string;
  /** The graphql-ws endpoint, for the HTTP server's `upgrade` event. */
  readonly websockets: SubscriptionServer;
  /** Subscriptions through the router and the subgraph subscriptions behind them. */
  readonly subscriptions: FederatedSubscriptions;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createRouter(options: RouterOptions): Router {
  const { config, logger, metrics, health } = options;
  const supergraphSdl = composeSupergraph(
    options.subgraphs.map((s) => ({
      name: s.name,
      typeDefs: s.typeDefs,
      url: 'url' in s ? s.url : `in-process://${s.name}`,
    })),
  );
  const byName = new Map(options.subgraphs.map((s) => [s.name, s]));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }): GraphQLDataSource => {
      const subgraph = byName.get(name);
      if (subgraph && 'schema' in subgraph) return new InProcessDataSource(name, subgraph.schema, metrics);
      return new RemoteSubgraphSource(name, url!);
    },
  });
  const { limits } = config.router;
  const checkLimits = operationLimiter(limits, listSizesOf(supergraphSdl));
  // The clients' operations are always registered; configured manifests add to them.
  const registered = loadManifests([
    ...(options.documents?.manifests ?? []),
    ...config.router.documents.manifests,
  ]);
  for (const document of options.documents?.texts ?? []) registered.set(sha256(document), document);
  const documents = trustedDocuments(registered, config.router.documents.accept);
  const apollo = apolloServerFor(
    { gateway },
    metrics,
    'router',
    [operationResolutionPlugin, limitsPlugin(checkLimits)],
    {
      ...(config.router.documents.apq ? {} : { persistedQueries: false as const }),
      // A document past its token budget stops while it is lexed, before it costs anything.
      parseOptions: { maxTokens: limits.max_tokens },
    },
  );
  // The most specific route wins: exact paths before prefixes, longer prefixes first (storage
  // owns /api/2.0/mlflow/artifacts/ inside experiments' /api/2.0/mlflow/).
  const specificity = (path: string) => (path.endsWith('/*') ? path.length : Number.MAX_SAFE_INTEGER);
  const routes = options.subgraphs
    .flatMap((s) => ('routes' in s ? s.routes : []))
    .sort((a, b) => specificity(b.path) - specificity(a.path));
  const forwards = options.subgraphs
    .flatMap((s) =>
      'url' in s
        ? (s.routePrefixes ?? []).map((prefix) => ({
            prefix,
            service: s.name,
            base: s.url.replace(/\/graphql\/?$/, ''),
          }))
        : [],
    )
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const authenticate = options.authenticate ?? (async () => LOCAL_PRINCIPAL);

  async function contextFor(request: Request): Promise<RequestContext & { headers: Headers }> {
    const principal = await authenticate(request);
    return {
      ...createRequestContext(logger, principal, requestIdFrom(request.headers)),
      headers: request.headers,
    };
  }

  async function route(request: Request): Promise<{ response: Response; label: string }> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === '/graphql/stream' || (path === '/graphql' && wantsEventStream(request))) {
      return { response: await sse(request), label: '/graphql/stream' };
    }
    if (path === '/graphql' || path === '/') {
      if (wantsGraphiql(request)) return { response: graphiqlPage(), label: '/graphql' };
      if (path === '/') return { response: Response.redirect(new URL('/graphql', url), 302), label: '/' };
      return {
        response: await handleGraphQL(apollo, request, await contextFor(request), {
          maxBodyBytes: config.server.max_body_bytes,
          documents,
          timeoutMs: limits.timeout_ms,
        }),
        label: '/graphql',
      };
    }
    if (path.startsWith('/graphiql/')) {
      const asset = await graphiqlAsset(path.slice('/graphiql/'.length));
      if (asset) return { response: asset, label: '/graphiql' };
    }
    if (path === '/metrics')
      metrics.openSubscriptions.set({ service: 'router' }, subscriptions.subscriberCount());
    const ops = await opsRoute(path, health, metrics);
    if (ops) return { response: ops, label: path };
    for (const r of routes) {
      const matches = r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : path === r.path;
      if (matches && r.method === request.method) {
        return { response: await r.handler(request, await contextFor(request)), label: r.path };
      }
    }
    const forward = forwards.find((f) => path.startsWith(f.prefix));
    if (forward) {
      return {
        response: await forwardRequest(request, forward, requestIdFrom(request.headers), logger),
        label: `${forward.prefix}*`,
      };
    }
    return {
      response: jsonResponse(
        { error: `no route for ${request.method} ${path}; GraphQL is at /graphql` },
        404,
      ),
      label: 'unmatched',
    };
  }

  // The gateway's schema carries its own root resolvers; events are resolved on a plain copy.
  let plain: { from: GraphQLSchema; schema: GraphQLSchema } | undefined;
  const apiSchema = () => {
    const schema = gateway.schema;
    if (!schema) throw new Error('the supergraph is not loaded yet');
    if (plain?.from !== schema) plain = { from: schema, schema: buildSchema(printSchema(schema)) };
    return plain.schema;
  };
  const run = async (query: string, variables: Record<string, unknown>, context: RequestContext) => {
    const response = await runWithContext(context, () =>
      apollo.executeOperation({ query, variables }, { contextValue: context }),
    );
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported here');
    return response.body.singleResult as ExecutionResult;
  };
  const { subscriptions: subscriptionConfig } = config.router;
  const subscriptions = federatedSubscriptions({
    schema: apiSchema,
    owners: subscriptionOwners(options.subgraphs),
    entityQueries: options.entityQueries ?? {},
    upstream: subgraphSubscriptions(
      options.subgraphs.map((s) =>
        'schema' in s ? { name: s.name, schema: s.schema } : { name: s.name, url: s.url },
      ),
      { keepAliveMs: subscriptionConfig.keep_alive_ms, retryWindowMs: subscriptionConfig.upstream_retry_ms },
    ),
    run,
    authenticate,
  });
  const prepare = operationPreparer({ schema: apiSchema, documents, limits, check: checkLimits });
  const streaming = { schema: apiSchema, run, subscriptions, contextFor, prepare };
  const websockets = createSubscriptionServer({
    ...streaming,
    keepAliveMs: subscriptionConfig.keep_alive_ms,
  });
  const sse = createSseHandler(streaming);

  return {
    supergraphSdl,
    websockets,
    subscriptions,
    async fetch(request) {
      let response: Response;
      let label = 'error';
      try {
        ({ response, label } = await route(request));
      } catch (error) {
        logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
        response = jsonResponse({ error: 'internal server error; the server log has the details' }, 500);
      }
      metrics.httpRequests.inc({ route: label, method: request.method, status: String(response.status) });
      return response;
    },
    async start() {
      await apollo.start();
    },
    async stop() {
      await websockets.close();
      await subscriptions.close();
      await apollo.stop();
    },
  };
}

/** Clients of GraphQL over SSE ask for an event stream. */
const wantsEventStream = (request: Request) =>
  (request.headers.get('accept') ?? '').includes('text/event-stream');

/** Root Subscription field → the subgraph whose SDL declares it. */
function subscriptionOwners(subgraphs: RouterSubgraph[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const subgraph of subgraphs) {
    for (const definition of subgraph.typeDefs.definitions) {
      if (
        (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
        definition.name.value === 'Subscription'
      ) {
        for (const field of definition.fields ?? []) owners.set(field.name.value, subgraph.name);
      }
    }
  }
  return owners;
}
