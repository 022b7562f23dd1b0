import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { accessRulesOf, authorizeOperation, decide, INTERNAL_HEADER, signPrincipal } from '@jarvis/auth';
import type { JarvisConfig } from '@jarvis/config';
import {
  createRequestContext,
  type Logger,
  type Principal,
  type RequestContext,
  requestIdFrom,
  runWithContext,
} from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import {
  API_KEY_REVOKED_TOPIC,
  type ApiKeyRevoked,
  type EntityQueries,
  type HttpRoute,
} from '@jarvis/subgraph';
import type { HealthRegistry, JarvisMetrics } from '@jarvis/telemetry';
import {
  buildSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  Kind,
  parse,
  printSchema,
} from 'graphql';
import { clientAddressOf } from './adapters/clientAddress.ts';
import { handleGraphQL } from './apolloHandler.ts';
import { apolloServerFor } from './apolloServerFor.ts';
import { authErrorResponse, isJarvisError } from './auth/authErrorResponse.ts';
import { type Authenticate, createAuthenticator, type IdentityResolver } from './auth/authenticator.ts';
import { authorizationPlugin } from './auth/authorizationPlugin.ts';
import { rateLimits } from './auth/rateLimits.ts';
import { composeSupergraph } from './composeSupergraph.ts';
import { forwardRequest } from './forwardRequest.ts';
import { graphiqlAsset, graphiqlPage, wantsGraphiql } from './graphiql.ts';
import { InProcessDataSource } from './inProcessDataSource.ts';
import { jsonResponse } from './jsonResponse.ts';
import { documentErrorResponse } from './operations/documentErrorResponse.ts';
import { inflightOperations } from './operations/inflightOperations.ts';
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
import { withDocumentText } from './subscriptions/sseDocumentText.ts';
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
  /**
   * The supergraph of exactly these subgraphs, composed ahead of time (`jarvis dev` reads the
   * committed one), so starting skips composition. Only for subgraphs run in this process: the
   * URLs in it are not used.
   */
  supergraphSdl?: string;
  /** Who a key or token names: the identity subgraph (in process, or over HTTP behind `jarvis serve`). */
  identity?: () => IdentityResolver;
  /** Where revoked keys are announced, so their open subscriptions end at once. */
  pubsub?: PubSub;
  /** Replaces the authenticator `auth.mode` chooses (tests that need a principal per header). */
  authenticate?: Authenticate;
  /** How to fetch each entity an event names, from every subgraph. */
  entityQueries?: EntityQueries;
  /**
   * Operations always registered as trusted, beside the configured manifests: the clients'
   * own (the generated SDK's manifest files, the worker's documents). The application passes
   * them, so the router depends on no client.
   */
  documents?: { manifests?: string[]; texts?: readonly string[] };
  /**
   * The web console's page (at `/` for browsers) and files (under `/console/`). Its data comes
   * through /graphql like any client's, so serving it needs no credentials.
   */
  console?: { serve(pathname: string, acceptEncoding?: string | null): Promise<Response | undefined> };
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
  const supergraphSdl =
    options.supergraphSdl ??
    composeSupergraph(
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
      return new RemoteSubgraphSource(name, url!, vouch, config.router.deduplication.subgraph_requests);
    },
  });
  const { limits } = config.router;
  const rules = accessRulesOf(parse(supergraphSdl));
  const rateLimit = rateLimits(config);
  const internalSecret = config.auth.internal_secret;
  /** The router's word to a subgraph behind `jarvis serve` on who is calling (HMAC-signed). */
  const vouch = async (principal: Principal): Promise<Record<string, string>> =>
    internalSecret ? { [INTERNAL_HEADER]: await signPrincipal(principal, internalSecret) } : {};
  const checkLimits = operationLimiter(limits, listSizesOf(supergraphSdl));
  // The clients' operations are always registered; configured manifests add to them.
  const registered = loadManifests([
    ...(options.documents?.manifests ?? []),
    ...config.router.documents.manifests,
  ]);
  for (const document of options.documents?.texts ?? []) registered.set(sha256(document), document);
  const documents = trustedDocuments(registered, config.router.documents.accept);
  const inflight = config.router.deduplication.inbound
    ? inflightOperations({ maxTokens: limits.max_tokens })
    : undefined;
  const apollo = apolloServerFor(
    { gateway },
    metrics,
    'router',
    [operationResolutionPlugin, authorizationPlugin(rules), limitsPlugin(checkLimits)],
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
  const authenticate =
    options.authenticate ??
    createAuthenticator({
      config,
      limits: rateLimit,
      requestIdOf: (request) => requestIdFrom(request.headers),
      identity:
        options.identity ??
        (() => {
          throw new JarvisError(
            ErrorCode.BACKEND_UNAVAILABLE,
            'no identity service is configured to check credentials',
            {
              backend: 'identity',
            },
          );
        }),
    });

  type Context = RequestContext & { headers: Headers };
  // One authentication per request, however many parts of the router ask (SSE asks twice).
  const contexts = new WeakMap<Request, Promise<Context>>();
  function contextFor(request: Request): Promise<Context> {
    let context = contexts.get(request);
    if (!context) {
      context = (async () => {
        const principal = await authenticate(request);
        const clientAddress = clientAddressOf(request);
        return {
          ...createRequestContext(logger, principal, requestIdFrom(request.headers)),
          headers: request.headers,
          ...(clientAddress ? { clientAddress } : {}),
        };
      })();
      contexts.set(request, context);
    }
    return context;
  }

  /**
   * Who is calling, and whether they may call now: refusals answer in the door's own shape
   * (GraphQL errors, MLflow's error_code, Jarvis JSON) with 401, 429 and Retry-After.
   */
  async function admit(request: Request): Promise<Response | undefined> {
    try {
      const { principal } = await contextFor(request);
      if (config.auth.mode !== 'local')
        await rateLimit.request(
          principal.keyId ??
            `${principal.kind}:${principal.userId === 'anonymous' ? (clientAddressOf(request) ?? '') : principal.userId}`,
        );
      return undefined;
    } catch (error) {
      if (!isJarvisError(error)) throw error;
      logger.info(
        { code: error.code, path: new URL(request.url).pathname, message: error.message },
        'request refused',
      );
      return authErrorResponse(request, error);
    }
  }

  async function route(request: Request): Promise<{ response: Response; label: string }> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === '/graphql/stream' || (path === '/graphql' && wantsEventStream(request))) {
      let stream: Request;
      try {
        stream = await withDocumentText(request, documents);
      } catch (error) {
        if (!isJarvisError(error)) throw error;
        return { response: documentErrorResponse(error), label: '/graphql/stream' };
      }
      const refused = await admit(stream);
      if (refused) return { response: refused, label: '/graphql/stream' };
      // A stream is for subscriptions, none of which is public: as a WebSocket, no credentials, no stream.
      if ((await contextFor(stream)).principal.kind === 'anonymous')
        return {
          response: authErrorResponse(
            stream,
            new JarvisError(
              ErrorCode.UNAUTHENTICATED,
              'subscriptions need credentials: send Authorization: Bearer jv_…',
            ),
          ),
          label: '/graphql/stream',
        };
      return { response: await sse(stream), label: '/graphql/stream' };
    }
    if (options.console && (path.startsWith('/console/') || (path === '/' && wantsGraphiql(request)))) {
      const file = await options.console.serve(path, request.headers.get('accept-encoding'));
      if (file) return { response: file, label: path === '/' ? '/' : '/console' };
    }
    if (path === '/graphql' || path === '/') {
      if (wantsGraphiql(request)) return { response: graphiqlPage(), label: '/graphql' };
      if (path === '/') return { response: Response.redirect(new URL('/graphql', url), 302), label: '/' };
      const refused = await admit(request);
      if (refused) return { response: refused, label: '/graphql' };
      return {
        response: await handleGraphQL(apollo, request, await contextFor(request), {
          maxBodyBytes: config.server.max_body_bytes,
          documents,
          timeoutMs: limits.timeout_ms,
          ...(inflight ? { inflight } : {}),
        }),
        label: '/graphql',
      };
    }
    if (path.startsWith('/graphiql/')) {
      const asset = await graphiqlAsset(path.slice('/graphiql/'.length));
      if (asset) return { response: asset, label: '/graphiql' };
    }
    if (path === '/metrics') {
      // Prometheus sends a key as `authorization: credentials` when Jarvis is shared.
      const refused = await admit(request);
      if (refused) return { response: refused, label: path };
      const decision = decide((await contextFor(request)).principal, 'platform:read');
      if (decision !== 'allowed')
        return {
          response: authErrorResponse(
            request,
            new JarvisError(
              decision === 'unauthenticated' ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN,
              '/metrics needs platform:read: scrape with an API key (Prometheus `authorization: { credentials: jv_… }`)',
            ),
          ),
          label: path,
        };
      metrics.openSubscriptions.set({ service: 'router' }, subscriptions.subscriberCount());
    }
    const ops = await opsRoute(path, health, metrics);
    if (ops) return { response: ops, label: path };
    for (const r of routes) {
      const matches = r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : path === r.path;
      if (matches && r.method === request.method) {
        const refused = await admit(request);
        if (refused) return { response: refused, label: r.path };
        return { response: await r.handler(request, await contextFor(request)), label: r.path };
      }
    }
    const forward = forwards.find((f) => path.startsWith(f.prefix));
    if (forward) {
      const refused = await admit(request);
      if (refused) return { response: refused, label: `${forward.prefix}*` };
      const context = await contextFor(request);
      return {
        response: await forwardRequest(
          request,
          forward,
          context.requestId,
          logger,
          await vouch(context.principal),
          context.clientAddress,
        ),
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
      {
        keepAliveMs: subscriptionConfig.keep_alive_ms,
        retryWindowMs: subscriptionConfig.upstream_retry_ms,
        vouch,
      },
    ),
    run,
    authenticate,
  });
  const prepare = operationPreparer({ schema: apiSchema, documents, limits, check: checkLimits });
  const authorize = (
    document: DocumentNode,
    operationName: string | null | undefined,
    context: RequestContext,
  ) => authorizeOperation(apiSchema(), rules, document, context.principal, operationName);
  const streaming = { schema: apiSchema, run, subscriptions, contextFor, prepare, authorize };
  const websockets = createSubscriptionServer({
    ...streaming,
    keepAliveMs: subscriptionConfig.keep_alive_ms,
  });
  const sse = createSseHandler(streaming);

  const stopping = new AbortController();
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
      if (options.pubsub) {
        const revocations = await options.pubsub.subscribe<ApiKeyRevoked>(API_KEY_REVOKED_TOPIC, {
          signal: stopping.signal,
        });
        void (async () => {
          for await (const event of revocations) subscriptions.revoked(event.keyId);
        })().catch((error: unknown) => logger.warn({ err: error }, 'key revocations no longer followed'));
      }
    },
    async stop() {
      stopping.abort();
      await websockets.close();
      await subscriptions.close();
      await apollo.stop();
      await rateLimit.close();
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
