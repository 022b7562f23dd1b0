import { type ApolloServer, HeaderMap } from '@apollo/server';
import { type RequestContext, runWithContext } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { readBody, textResponse } from '@jarvis/subgraph';
import { jsonResponse } from './jsonResponse.ts';
import { documentErrorResponse } from './operations/documentErrorResponse.ts';
import type { InflightOperations } from './operations/inflightOperations.ts';
import type { OperationParams, TrustedDocuments } from './operations/trustedDocuments.ts';

export interface GraphQLHandling {
  maxBodyBytes: number;
  /** Registered documents (the router's); requests naming one get its text. */
  documents?: TrustedDocuments;
  /** Longest an operation may run before the caller gets LIMIT_EXCEEDED. */
  timeoutMs?: number;
  /** Identical queries in flight share one execution (the router's inbound deduplication). */
  inflight?: InflightOperations;
}

const errorResponse = (error: JarvisError, status: number) =>
  jsonResponse({ errors: [{ message: error.message, extensions: error.extensions }] }, status);

/** Runs one HTTP request through Apollo Server (router or subgraph) as a fetch-style handler. */
export async function handleGraphQL(
  server: ApolloServer<RequestContext>,
  request: Request,
  context: RequestContext,
  handling: GraphQLHandling,
): Promise<Response> {
  const started = performance.now();
  let text: string;
  try {
    text = request.method === 'POST' ? await readBody(request, handling.maxBodyBytes) : '';
  } catch (error) {
    if (error instanceof JarvisError) return errorResponse(error, 413);
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
  let search = url.search;
  if (handling.documents) {
    try {
      if (request.method === 'POST' && body && typeof body === 'object' && !Array.isArray(body)) {
        body = handling.documents.resolve(body as OperationParams);
      } else if (request.method === 'GET') {
        search = resolveSearch(url.searchParams, handling.documents);
      }
    } catch (error) {
      if (error instanceof JarvisError) return documentErrorResponse(error);
      throw error;
    }
  }
  const execute = () =>
    runWithContext(context, () =>
      server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method.toUpperCase(), headers, search, body },
        context: async () => context,
      }),
    );
  const execution = handling.inflight
    ? handling.inflight.share(
        request,
        context.principal,
        operationOf(request.method, body, search),
        request.method === 'GET' ? search : text,
        execute,
      )
    : execute();
  let timer: NodeJS.Timeout | undefined;
  const result = handling.timeoutMs
    ? await Promise.race([
        execution,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), handling.timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer))
    : await execution;
  if (result === 'timeout') {
    const measured = Math.round(performance.now() - started);
    return errorResponse(
      new JarvisError(
        ErrorCode.LIMIT_EXCEEDED,
        `operation ran for ${measured} ms; the limit is ${handling.timeoutMs} ms (router.limits.timeout_ms)`,
        { limit: 'timeout_ms', max: handling.timeoutMs, measured },
      ),
      504,
    );
  }
  const responseHeaders = new Headers();
  for (const [key, value] of result.headers) responseHeaders.set(key, value);
  responseHeaders.set('x-request-id', context.requestId);
  if (result.body.kind === 'complete') {
    return textResponse(bytesOf(result.body), { status: result.status ?? 200, headers: responseHeaders });
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

/** Encoded once per execution, however many callers share it. */
const encoded = new WeakMap<object, Buffer>();
function bytesOf(body: { string: string }): Buffer {
  let bytes = encoded.get(body);
  if (!bytes) {
    bytes = Buffer.from(body.string);
    encoded.set(body, bytes);
  }
  return bytes;
}

/** The document and operation name a request asks to run, from its body or its query string. */
function operationOf(
  method: string,
  body: unknown,
  search: string,
): { query?: string; operationName?: string | null } | undefined {
  if (method === 'GET') {
    const params = new URLSearchParams(search);
    return { query: params.get('query') ?? undefined, operationName: params.get('operationName') };
  }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as OperationParams) : undefined;
}

/** A GET request's parameters with a registered document's text in place of its id. */
function resolveSearch(params: URLSearchParams, documents: TrustedDocuments): string {
  let extensions: OperationParams['extensions'];
  try {
    extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    extensions = undefined; // Apollo Server reports the malformed parameter itself
  }
  const resolved = documents.resolve({
    ...(params.has('query') ? { query: params.get('query')! } : {}),
    ...(params.has('documentId') ? { documentId: params.get('documentId')! } : {}),
    ...(extensions ? { extensions } : {}),
  });
  const out = new URLSearchParams(params);
  out.delete('documentId');
  if (resolved.query) out.set('query', resolved.query);
  if (resolved.extensions && Object.keys(resolved.extensions).length)
    out.set('extensions', JSON.stringify(resolved.extensions));
  else out.delete('extensions');
  return `?${out}`;
}
