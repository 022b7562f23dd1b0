import type { TrustedDocuments } from '../operations/trustedDocuments.ts';

/**
 * graphql-sse reads only `query`, so a subscription named by `documentId` (or a persisted query
 * hash) would be refused as "Missing query". The registered text is put in first, so over SSE
 * trusted documents work as they do on /graphql. An unknown id, or any document on a router
 * that takes only trusted ones, throws the same JarvisError as there.
 */
export async function withDocumentText(request: Request, documents: TrustedDocuments): Promise<Request> {
  if (request.method !== 'POST' || !(request.headers.get('content-type') ?? '').includes('application/json'))
    return request;
  let body: unknown;
  try {
    body = await request.clone().json();
  } catch {
    return request; // graphql-sse answers a body that is not JSON itself.
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return request;
  const params = body as Record<string, unknown>;
  const named = typeof params.documentId === 'string' || typeof params.extensions === 'object';
  if ((typeof params.query === 'string' && params.query !== '') || !named) return request;
  const { documentId: _id, ...resolved } = documents.resolve(params);
  if (typeof resolved.query !== 'string') return request;
  return new Request(request, { body: JSON.stringify(resolved) });
}
