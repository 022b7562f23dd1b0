import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '@jarvis/context';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  print,
} from 'graphql';
import { withClientAddress } from '../adapters/clientAddress.ts';
import { graphqlWsEndpoint, type WebSocketEndpoint } from '../graphqlWsEndpoint.ts';
import type { PrepareOperation } from '../operations/prepareOperation.ts';
import type { OperationParams } from '../operations/trustedDocuments.ts';
import type { FederatedSubscriptions } from './federatedSubscriptions.ts';

export interface SubscriptionServerOptions {
  /** The supergraph's API schema (without the gateway's resolvers). */
  schema(): GraphQLSchema;
  /** Runs a query or mutation through the gateway. */
  run(query: string, variables: Record<string, unknown>, context: RequestContext): Promise<ExecutionResult>;
  subscriptions: FederatedSubscriptions;
  /** The context of an operation from the upgrade request and connection_init's payload. */
  contextFor(request: Request): Promise<RequestContext & { headers: Headers }>;
  /** Trusted documents, parsing, validation and limits, before anything runs. */
  prepare: PrepareOperation;
  /** Throws UNAUTHENTICATED or FORBIDDEN when a field of the operation is not the caller's to use. */
  authorize(document: DocumentNode, operationName: string | null | undefined, context: RequestContext): void;
  /** Ping interval; a client that stops answering is dropped. */
  keepAliveMs: number;
}

export type SubscriptionServer = WebSocketEndpoint;

/** The request a WebSocket's operations authenticate with: its upgrade headers plus connection_init. */
function requestOf(upgrade: IncomingMessage, params: Readonly<Record<string, unknown>> | undefined) {
  const headers = new Headers();
  for (const [key, value] of Object.entries(upgrade.headers)) {
    if (typeof value === 'string') headers.set(key, value);
  }
  // Browsers cannot set headers on a WebSocket: credentials come in connection_init.
  for (const name of ['authorization', 'x-api-key']) {
    const value = params?.[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return withClientAddress(
    new Request('http://jarvis.local/graphql', { headers }),
    upgrade.socket.remoteAddress,
  );
}

/**
 * The router's graphql-ws endpoint (`/graphql`, protocol graphql-transport-ws): subscriptions
 * through FederatedSubscriptions, queries and mutations through the gateway as over HTTP.
 * Credentials are checked on connection_init (a refused connection closes with 4403) and again
 * before every event.
 */
export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  return graphqlWsEndpoint(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        try {
          const { principal } = await options.contextFor(requestOf(ctx.extra.request, ctx.connectionParams));
          // A socket is for subscriptions, none of which is public: no credentials, no socket (4403).
          return principal.kind !== 'anonymous';
        } catch {
          return false;
        }
      },
      context: (ctx) => options.contextFor(requestOf(ctx.extra.request, ctx.connectionParams)),
      onSubscribe: (_ctx, _id, payload) => {
        const prepared = options.prepare(payload as OperationParams);
        return 'document' in prepared ? { schema: options.schema(), ...prepared } : prepared;
      },
      ...streamingRunners(options),
    },
    options.keepAliveMs,
  );
}

/** What the WebSocket and SSE endpoints run once an operation is prepared. */
export function streamingRunners(
  options: Pick<SubscriptionServerOptions, 'subscriptions' | 'run' | 'authorize'>,
) {
  return {
    subscribe: (args: ExecutionArgs) => {
      try {
        options.authorize(args.document, args.operationName, args.contextValue as RequestContext);
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error] };
        throw error;
      }
      return options.subscriptions.subscribe({
        document: args.document,
        variables: (args.variableValues ?? {}) as Record<string, unknown>,
        operationName: args.operationName,
        context: args.contextValue as RequestContext & { headers: Headers },
      });
    },
    execute: (args: ExecutionArgs) =>
      options.run(
        print(args.document),
        (args.variableValues ?? {}) as Record<string, unknown>,
        args.contextValue as RequestContext,
      ),
  };
}
