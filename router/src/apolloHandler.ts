import { type ApolloServer, HeaderMap } from '@apollo/server';
import { type RequestContext, runWithContext } from '@jarvis/context';
import { JarvisError } from '@jarvis/errors';
import { jsonResponse } from './jsonResponse.ts';
import { readBody } from './readBody.ts';

/** Runs one HTTP request through Apollo Server (router or subgraph) as a fetch-style handler. */
export async function handleGraphQL(
  server: ApolloServer<RequestContext>,
  request: Request,
  context: RequestContext,
  maxBodyBytes: number,
): Promise<Response> {
  let text: string;
  try {
    text = request.method === 'POST' ? await readBody(request, maxBodyBytes) : '';
  } catch (error) {
    if (error instanceof JarvisError) {
      return jsonResponse({ errors: [{ message: error.message, extensions: error.extensions }] }, 413);
    }
    throw error;
  }
  const headers = new HeaderMap();
  request.headers.forEach((value, key) => {
    headers.set(key, value);
  });
  let body: unknown = text;
  if (text && (headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      return jsonResponse(
        { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] },
        400,
      );
    }
  }
  const url = new URL(request.url);
  const result = await runWithContext(context, () =>
    server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method.toUpperCase(), headers, search: url.search, body },
      context: async () => context,
    }),
  );
  const responseHeaders = new Headers();
  for (const [key, value] of result.headers) responseHeaders.set(key, value);
  responseHeaders.set('x-request-id', context.requestId);
  if (result.body.kind === 'complete') {
    return new Response(result.body.string, { status: result.status ?? 200, headers: responseHeaders });
  }
  const chunks = result.body.asyncIterator;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new TextEncoder().encode(next.value));
    },
  });
  return new Response(stream, { status: result.status ?? 200, headers: responseHeaders });
}
