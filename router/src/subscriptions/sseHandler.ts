import type { RequestContext } from '@jarvis/context';
import { formatError } from '@jarvis/errors';
import type { GraphQLError } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { OperationParams } from '../operations/trustedDocuments.ts';
import { type SubscriptionServerOptions, streamingRunners } from './subscriptionServer.ts';

type SseContext = RequestContext & { headers: Headers } & Record<PropertyKey, unknown>;

/**
 * GraphQL over Server-Sent Events (graphql-sse's distinct connections mode) for clients that
 * cannot hold a WebSocket: `POST /graphql/stream` (or `/graphql` with `accept:
 * text/event-stream`) streams `next` events, then `complete`. Same subscriptions, same auth —
 * headers work here, and are re-checked before every event.
 */
export function createSseHandler(
  options: Omit<SubscriptionServerOptions, 'keepAliveMs'>,
): (request: Request) => Promise<Response> {
  return createHandler<SseContext>({
    schema: options.schema,
    context: (req) => options.contextFor(req.raw) as Promise<SseContext>,
    onSubscribe: async (req, params) => {
      const prepared = options.prepare(params as OperationParams);
      if (!('document' in prepared))
        // graphql-sse's own response shape: [body, init].
        return [
          JSON.stringify({ errors: prepared.map((e) => formatError(e.toJSON(), e)) }),
          {
            status: 400,
            statusText: 'Bad Request',
            headers: { 'content-type': 'application/json; charset=utf-8' },
          },
        ];
      return {
        schema: options.schema(),
        ...prepared,
        contextValue: (await options.contextFor(req.raw)) as SseContext,
      };
    },
    ...streamingRunners(options),
    onNext: (context, _req, result) =>
      result.errors?.length
        ? {
            ...result,
            errors: result.errors.map((e) =>
              formatError((e as GraphQLError).toJSON?.() ?? e, e, context.requestId),
            ) as unknown as GraphQLError[],
          }
        : result,
  });
}
