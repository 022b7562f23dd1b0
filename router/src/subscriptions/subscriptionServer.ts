import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '@jarvis/context';
import { type ExecutionArgs, type ExecutionResult, type GraphQLSchema, print } from 'graphql';
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
  return new Request('http://jarvis.local/graphql', { headers });
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
          await options.contextFor(requestOf(ctx.extra.request, ctx.connectionParams));
          return true;
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
export function streamingRunners(options: Pick<SubscriptionServerOptions, 'subscriptions' | 'run'>) {
  return {
    subscribe: (args: ExecutionArgs) =>
      options.subscriptions.subscribe({
        document: args.document,
        variables: (args.variableValues ?? {}) as Record<string, unknown>,
        operationName: args.operationName,
        context: args.contextValue as RequestContext & { headers: Headers },
      }),
    execute: (args: ExecutionArgs) =>
      options.run(
        print(args.document),
        (args.variableValues ?? {}) as Record<string, unknown>,
        args.contextValue as RequestContext,
      ),
  };
}
