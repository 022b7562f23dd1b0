import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lazyWebStream, nodeBodyOf, textBodyOf, withNodeBody } from '@jarvis/subgraph';
import type { WebSocketEndpoint } from '../graphqlWsEndpoint.ts';
import { withClientAddress } from './clientAddress.ts';

export interface FetchServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Serves a fetch-style handler on Node's HTTP server. */
export async function serveFetch(
  handler: (request: Request) => Promise<Response>,
  {
    host,
    port,
    websockets,
  }: {
    host: string;
    port: number;
    /** Takes HTTP upgrades (the router's graphql-ws endpoint); without it upgrades are refused. */
    websockets?: WebSocketEndpoint;
  },
): Promise<FetchServer> {
  const server = http.createServer(async (req, res) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(key, v);
        else if (value !== undefined) headers.set(key, value);
      }
      const method = req.method ?? 'GET';
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const request = new Request(`http://${req.headers.host ?? `${host}:${port}`}${req.url ?? '/'}`, {
        method,
        headers,
        signal: controller.signal,
        // A body stream that is never read costs nothing; routes that stream take `req` itself.
        ...(hasBody ? { body: lazyWebStream(req), duplex: 'half' } : {}),
      } as RequestInit);
      if (hasBody) withNodeBody(request, req);
      withClientAddress(request, req.socket.remoteAddress);
      // A client that disconnects mid-body errors `req`; whoever reads it sees that. Without a
      // listener, the same error while nobody reads yet would crash the process.
      req.on('error', () => {});
      const response = await handler(request);
      const outHeaders: Record<string, string | string[]> = {};
      response.headers.forEach((value, key) => {
        outHeaders[key] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length) outHeaders['set-cookie'] = cookies;
      res.writeHead(response.status, outHeaders);
      const nodeBody = nodeBodyOf(response);
      const text = textBodyOf(response);
      if (text !== undefined) {
        res.end(method === 'HEAD' ? undefined : text);
      } else if (nodeBody && method !== 'HEAD') {
        await pipeline(nodeBody, res);
      } else if (response.body && method !== 'HEAD') {
        await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
      } else {
        res.end();
      }
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'internal server error' }));
      } else {
        res.destroy(error as Error);
      }
    }
  });
  server.on('upgrade', (request, socket, head) => {
    if (websockets) websockets.handleUpgrade(request, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    port: actual,
    async close(graceMs = 5_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open sockets would keep the server from closing; their clients reconnect elsewhere.
      await websockets?.close();
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
