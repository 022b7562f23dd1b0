import type { Logger } from '@jarvis/context';
import { nodeBodyOf } from '@jarvis/subgraph';
import { subgraphUnavailable } from './remoteSubgraphSource.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and ones fetch sets itself are not passed on. */
const DROP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'proxy-connection',
  'trailer',
  // Only the router vouches for callers; a client's own copy is dropped, never passed on.
  'x-jarvis-principal',
  'x-jarvis-client-address',
]);

function copyHeaders(from: Headers): Headers {
  const out = new Headers();
  from.forEach((value, key) => {
    if (!DROP.has(key)) out.set(key, value);
  });
  return out;
}

/**
 * Streams a request through to the subgraph that owns its path (uploads, downloads, MLflow REST)
 * and its response back, so clients only ever talk to the router's origin.
 */
export async function forwardRequest(
  request: Request,
  target: { base: string; service: string },
  requestId: string,
  logger?: Logger,
  vouched: Record<string, string> = {},
  clientAddress?: string,
): Promise<Response> {
  const url = new URL(request.url);
  const headers = copyHeaders(request.headers);
  headers.set('x-request-id', requestId);
  // The subgraph builds absolute URLs (signed part and download URLs) on the caller's origin.
  if (!headers.has('x-forwarded-host')) headers.set('x-forwarded-host', url.host);
  if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', url.protocol.replace(':', ''));
  for (const [header, value] of Object.entries(vouched)) headers.set(header, value);
  if (clientAddress) headers.set('x-jarvis-client-address', clientAddress);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(`${target.base}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      redirect: 'manual',
      signal: request.signal,
      ...(hasBody ? { body: nodeBodyOf(request) ?? request.body, duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    if (request.signal.aborted) throw error;
    // The service is away: say which, never where (its address is for the operator's log).
    logger?.warn({ subgraph: target.service, base: target.base, err: error }, 'subgraph not answering');
    const { message, extensions } = subgraphUnavailable(target.service);
    const body = url.pathname.startsWith('/api/2.0/')
      ? { error_code: 'TEMPORARILY_UNAVAILABLE', message }
      : { error: message, ...extensions };
    return Response.json(body, { status: 503, headers: { 'retry-after': '5' } });
  }
  return new Response(request.method === 'HEAD' ? null : upstream.body, {
    status: upstream.status,
    headers: copyHeaders(upstream.headers),
  });
}
