import type { RequestContext } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import {
  type ExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  subscribe,
} from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { SubscriptionPlan } from './planSubscription.ts';

/** A subscription the owning subgraph refused or lost; `errors` go to the caller as they are. */
export class SubscriptionFailure extends Error {
  readonly errors: GraphQLError[];
  constructor(errors: GraphQLError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
}

/** Opens subscriptions at the subgraph owning the root field: in process, or over graphql-ws. */
export interface SubgraphSubscriptions {
  /** Resolves once the subscription is open; throws SubscriptionFailure when it is refused. */
  open(
    plan: SubscriptionPlan,
    variables: Record<string, unknown>,
    context: RequestContext & { headers?: Headers },
  ): Promise<AsyncIterator<ExecutionResult>>;
  close(): Promise<void>;
}

export type SubscriptionTarget = { name: string; schema: GraphQLSchema } | { name: string; url: string };

export interface SubgraphSubscriptionsOptions {
  /** Ping interval on sockets to subgraphs. */
  keepAliveMs: number;
  /** How long to keep reconnecting to a subgraph that went away before the subscription fails. */
  retryWindowMs: number;
  /** The router's signed word on who subscribes, sent in connection_init (signed again on each reconnect). */
  vouch?: (principal: RequestContext['principal']) => Promise<Record<string, string>>;
}

const reviveError = (e: GraphQLFormattedError) =>
  new GraphQLError(e.message, { path: e.path, extensions: e.extensions ?? {} });

export function subgraphSubscriptions(
  targets: SubscriptionTarget[],
  options: SubgraphSubscriptionsOptions,
): SubgraphSubscriptions {
  const byName = new Map(targets.map((t) => [t.name, t]));
  // One socket per subgraph and caller's credentials: graphql-ws authenticates a connection.
  const clients = new Map<string, Client>();
  // Waits of 250 ms doubling to 2 s, as many as fill the retry window.
  const wait = (retries: number) => Math.min(250 * 2 ** retries, 2_000);
  let attempts = 0;
  for (let spent = 0; spent < options.retryWindowMs; attempts++) spent += wait(attempts);

  function clientFor(url: string, principal: RequestContext['principal']): Client {
    const key = `${url}\n${JSON.stringify(principal)}`;
    let client = clients.get(key);
    if (!client) {
      client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: async () => (await options.vouch?.(principal)) ?? {},
        lazy: true,
        keepAlive: options.keepAliveMs,
        // A subgraph that restarts closes its sockets; every subscription resubscribes on the new
        // one. Only when the window has passed does the caller get an error (never a silent end).
        retryAttempts: attempts,
        retryWait: (retries) => new Promise((r) => setTimeout(r, wait(retries))),
        shouldRetry: () => true,
        on: {
          error: () => {}, // reported to the subscriptions it ends
        },
      });
      clients.set(key, client);
    }
    return client;
  }

  return {
    async open(plan, variables, context) {
      const target = byName.get(plan.owner);
      if (!target) throw new SubscriptionFailure([new GraphQLError(`no subgraph ${plan.owner}`)]);
      if ('schema' in target) {
        const result = await subscribe({
          schema: target.schema,
          document: plan.upstream.document,
          variableValues: variables,
          contextValue: context,
        });
        if (!(Symbol.asyncIterator in result)) throw new SubscriptionFailure([...(result.errors ?? [])]);
        return result;
      }
      const events = clientFor(target.url, context.principal).iterate({
        query: plan.upstream.query,
        variables,
      });
      return {
        async next() {
          try {
            const next = await events.next();
            if (next.done) return next;
            const { data, errors } = next.value;
            return {
              done: false,
              value: { data, ...(errors ? { errors: errors.map(reviveError) } : {}) } as ExecutionResult,
            };
          } catch (error) {
            throw failureOf(error, target.name, target.url);
          }
        },
        async return() {
          await events.return?.().catch(() => {});
          return { done: true, value: undefined };
        },
      };
    },
    async close() {
      // A socket closing under its last subscription ("All Subscriptions Gone") is the goal here.
      await Promise.all([...clients.values()].map(async (c) => c.dispose()).map((p) => p.catch(() => {})));
      clients.clear();
    },
  };
}

/** What graphql-ws throws: the subgraph's errors, a close event, or a socket error. */
function failureOf(error: unknown, name: string, url: string): SubscriptionFailure {
  if (Array.isArray(error)) return new SubscriptionFailure(error.map(reviveError));
  const close = error as { code?: unknown; reason?: unknown } | null;
  const how =
    close && typeof close === 'object' && 'code' in close
      ? `its socket closed with code ${String(close.code)}${close.reason ? ` (${String(close.reason)})` : ''}`
      : error instanceof Error
        ? error.message
        : 'its socket failed';
  return new SubscriptionFailure([
    new JarvisError(
      ErrorCode.BACKEND_UNAVAILABLE,
      `subgraph ${name} at ${url} went away and did not come back (${how}); resubscribe once it is running again`,
      { backend: name },
    ),
  ]);
}
