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
): Promise<Response> {
  const url = new URL(request.url);
  const headers = copyHeaders(request.headers);
  headers.set('x-request-id', requestId);
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
