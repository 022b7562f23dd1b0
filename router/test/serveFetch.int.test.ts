import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { serveFetch } from '../src/index.ts';

/** The Node↔fetch adapter on a real port: what goes in is the Request, what comes out the Response. */
describe('serveFetch (Node HTTP ↔ fetch handler)', () => {
  it('hands the handler the method, URL, headers and body, and sends status, headers and body back', async () => {
    const server = await serveFetch(
      async (request) => {
        const headers = new Headers({
          'x-echo-method': request.method,
          'x-echo-path': new URL(request.url).pathname,
        });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return new Response(`${request.headers.get('x-team')}:${await request.text()}`, {
          status: 201,
          headers,
        });
      },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const response = await fetch(`${server.url}/echo?x=1`, {
        method: 'POST',
        headers: { 'x-team': 'rink' },
        body: 'hello',
      });
      expect(response.status).toBe(201);
      expect(await response.text()).toBe('rink:hello');
      expect(response.headers.get('x-echo-method')).toBe('POST');
      expect(response.headers.get('x-echo-path')).toBe('/echo');
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      const head = await fetch(`${server.url}/echo`, { method: 'HEAD' });
      expect(head.status).toBe(201);
      expect(await head.text()).toBe('');
    } finally {
      await server.close();
    }
  });

  it('streams a response body as it is produced, and aborts the request when the client goes away', async () => {
    let aborted = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await serveFetch(
      async (request) => {
        request.signal.addEventListener('abort', () => {
          aborted = true;
        });
        const stream = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode('first;'));
            await gate;
            controller.enqueue(new TextEncoder().encode('second'));
            controller.close();
          },
        });
        return new Response(stream);
      },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      // The first chunk arrives before the handler has finished producing the body.
      const first = await new Promise<string>((resolve, reject) => {
        const req = http.get(`${server.url}/stream`, (res) => {
          res.once('data', (chunk: Buffer) => {
            resolve(chunk.toString());
            req.destroy();
          });
        });
        req.on('error', () => {});
        setTimeout(() => reject(new Error('no first chunk')), 30_000).unref();
      });
      expect(first).toBe('first;');
      await expect.poll(() => aborted, { timeout: 30_000 }).toBe(true);
      release();
    } finally {
      release();
      await server.close();
    }
  });

  it('a handler that throws is a 500 in JSON, and upgrades with no WebSocket endpoint are refused', async () => {
    const server = await serveFetch(
      async () => {
        throw new Error('boom');
      },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const response = await fetch(`${server.url}/x`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'internal server error' });
      const upgraded = await new Promise<string>((resolve) => {
        const req = http.request(`${server.url}/graphql`, {
          headers: { connection: 'upgrade', upgrade: 'websocket' },
        });
        req.on('upgrade', () => resolve('upgraded'));
        req.on('error', () => resolve('refused'));
        req.on('response', () => resolve('answered'));
        req.end();
      });
      expect(upgraded).toBe('refused');
    } finally {
      await server.close();
    }
  });

  it('close() lets a request in flight finish before the server stops', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await serveFetch(
      async () => {
        await gate;
        return new Response('finished');
      },
      { host: '127.0.0.1', port: 0 },
    );
    const inFlight = fetch(`${server.url}/slow`).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close(30_000);
    release();
    expect(await inFlight).toBe('finished');
    await closing;
    await expect(fetch(`${server.url}/again`)).rejects.toThrow();
  });
});
