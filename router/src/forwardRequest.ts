import { nodeBodyOf } from '@jarvis/subgraph';

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
export async function forwardRequest(request: Request, base: string, requestId: string): Promise<Response> {
  const url = new URL(request.url);
  const headers = copyHeaders(request.headers);
  headers.set('x-request-id', requestId);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const upstream = await fetch(`${base}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    redirect: 'manual',
    signal: request.signal,
    ...(hasBody ? { body: nodeBodyOf(request) ?? request.body, duplex: 'half' } : {}),
  } as RequestInit);
  return new Response(request.method === 'HEAD' ? null : upstream.body, {
    status: upstream.status,
    headers: copyHeaders(upstream.headers),
  });
}
