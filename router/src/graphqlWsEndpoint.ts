import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestContext } from '@jarvis/context';
import { asValidationError, formatError } from '@jarvis/errors';
import type { GraphQLError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/** A graphql-ws endpoint on `/graphql`, for the HTTP server's `upgrade` event. */
export interface WebSocketEndpoint {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket as going away (1001); idempotent, as both the HTTP server and its owner call it. */
  close(): Promise<void>;
}

type Extra = { request: IncomingMessage };

/**
 * graphql-ws on `/graphql` (protocol graphql-transport-ws), for the router and for a subgraph
 * behind `jarvis serve`: errors leave formatted as over HTTP (masked unless meant for the caller,
 * with the request id), and what graphql-ws refuses itself is a validation error.
 */
export function graphqlWsEndpoint(
  options: ServerOptions<Record<string, unknown>, Extra>,
  keepAliveMs: number,
): WebSocketEndpoint {
  const wss = new WebSocketServer({ noServer: true });
  const format = (errors: readonly GraphQLError[], context?: RequestContext) =>
    errors.map((e) => formatError(e.toJSON(), e, context?.requestId));
  const server = useServer<Record<string, unknown>, Extra>(
    {
      ...options,
      onNext: (_ctx, _id, _payload, args, result) =>
        result.errors?.length
          ? {
              ...result,
              errors: format(result.errors as GraphQLError[], args.contextValue as RequestContext),
            }
          : result,
      onError: (_ctx, _id, _payload, errors) => format(errors.map(asValidationError)),
    },
    wss,
    keepAliveMs,
  );
  let closing: Promise<void> | undefined;
  return {
    handleUpgrade(request, socket, head) {
      if (new URL(request.url ?? '/', 'http://jarvis.local').pathname !== '/graphql') {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close() {
      closing ??= (async () => {
        await server.dispose();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}
