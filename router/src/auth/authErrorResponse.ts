import { ErrorCode, JarvisError } from '@jarvis/errors';

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.LIMIT_EXCEEDED]: 429,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.BACKEND_UNAVAILABLE]: 503,
};

/**
 * A request refused before it reached anything (bad credentials, too many requests), in the
 * shape its door's clients parse: GraphQL's errors, MLflow's error_code, or Jarvis's JSON.
 */
export function authErrorResponse(request: Request, error: JarvisError): Response {
  const status = STATUS[error.code] ?? 400;
  const headers: Record<string, string> = {};
  const retryAfter = error.extensions.retryAfter;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="jarvis", Basic realm="jarvis"';
  const path = new URL(request.url).pathname;
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  if (path.startsWith('/api/2.0/')) {
    const code =
      status === 401
        ? 'UNAUTHENTICATED'
        : status === 403
          ? 'PERMISSION_DENIED'
          : status === 429
            ? 'REQUEST_LIMIT_EXCEEDED'
            : status === 503
              ? 'TEMPORARILY_UNAVAILABLE'
              : 'INVALID_PARAMETER_VALUE';
    return Response.json({ error_code: code, message: error.message }, { status, headers });
  }
  if (path.startsWith('/graphql') || path === '/')
    return Response.json({ errors: [{ message: error.message, extensions }] }, { status, headers });
  return Response.json({ error: error.message, ...extensions }, { status, headers });
}

export const isJarvisError = (error: unknown): error is JarvisError => error instanceof JarvisError;
