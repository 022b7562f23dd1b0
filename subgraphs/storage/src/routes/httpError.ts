import { JarvisError } from '@jarvis/errors';

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LIMIT_EXCEEDED: 413,
  BACKEND_UNAVAILABLE: 503,
};

/** The same errors as GraphQL's, as an HTTP status and a JSON body with `code`. */
export function httpError(error: unknown): Response {
  if (error instanceof JarvisError) {
    return Response.json(
      { error: error.message, ...error.extensions },
      { status: STATUS[error.code] ?? 500 },
    );
  }
  throw error;
}
