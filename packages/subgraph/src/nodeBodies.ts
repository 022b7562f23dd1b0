import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';

/**
 * Requests and responses are fetch objects, so tests can call a server with no port. Over HTTP
 * that would convert every byte Node -> Web -> Node; these carry the Node stream alongside, and
 * the HTTP server (router/serveFetch) uses it directly.
 */
const NODE_BODY = Symbol.for('jarvis.nodeBody');

type WithNodeBody = { [NODE_BODY]?: Readable };

/**
 * A web stream over a Node stream that reads nothing until it is read itself (unlike
 * Readable.toWeb, which starts pulling at once), so the Node stream can still be used directly.
 */
export function lazyWebStream(stream: Readable): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= stream[Symbol.asyncIterator]();
        const next = await iterator.next();
        if (next.done) controller.close();
        else
          controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      cancel(reason) {
        stream.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A Response streaming a Node Readable; over HTTP the Node stream is piped as it is. */
export function streamResponse(stream: Readable, init: ResponseInit): Response {
  const response = new Response(lazyWebStream(stream), init);
  (response as WithNodeBody)[NODE_BODY] = stream;
  return response;
}

const TEXT_BODY = Symbol.for('jarvis.textBody');

/** Below this many characters a body is encoded at once: cheaper than a stream to defer it. */
const ENCODE_EAGERLY = 4_096;

/**
 * A Response with a text body the HTTP server writes as it is, with no web stream in between.
 * A large body is encoded (or, given as bytes, copied) only if someone reads the Response
 * itself, as tests calling `fetch` do: over HTTP the server writes it straight to the socket,
 * and bytes shared by several responses are never copied at all.
 */
export function textResponse(body: string | Uint8Array, init: ResponseInit): Response {
  const response = new Response(
    typeof body === 'string' && body.length < ENCODE_EAGERLY ? body : deferredBytes(body),
    init,
  );
  (response as { [TEXT_BODY]?: string | Uint8Array })[TEXT_BODY] = body;
  return response;
}

function deferredBytes(body: string | Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        controller.enqueue(typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The body of a response from textResponse, if it is one. */
export function textBodyOf(response: Response): string | Uint8Array | undefined {
  return (response as { [TEXT_BODY]?: string | Uint8Array })[TEXT_BODY];
}

/** The Node stream behind a response from streamResponse, if it has one. */
export function nodeBodyOf(message: Request | Response): Readable | undefined {
  return (message as WithNodeBody)[NODE_BODY];
}

/** Marks a request built by the HTTP server with the Node stream its body comes from. */
export function withNodeBody<T extends Request>(request: T, stream: Readable): T {
  (request as WithNodeBody)[NODE_BODY] = stream;
  return request;
}

/**
 * A request's body as a Node stream: the socket itself when served over HTTP. A client that goes
 * away before the body is read errors the stream while nobody listens yet, which would be an
 * uncaught exception; the listener here prevents that, and whoever consumes the stream (a
 * pipeline) still gets the error, since an errored stream keeps it.
 */
export function requestBody(request: Request): Readable | undefined {
  const body =
    nodeBodyOf(request) ??
    (request.body ? Readable.fromWeb(request.body as unknown as NodeWebStream) : undefined);
  body?.on('error', () => {});
  return body;
}
