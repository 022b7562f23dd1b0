import type { RequestContext } from '@jarvis/context';
import { JarvisError } from '@jarvis/errors';
import { BodyTooLargeError } from './readBody.ts';
import type { HttpRoute } from './subgraphModule.ts';

/** MLflow's `error_code` and HTTP status for each Jarvis error code, so MLflow clients react as they would to MLflow. */
function mlflowError(error: JarvisError): { error_code: string; status: number } {
  if (error instanceof BodyTooLargeError) return { error_code: 'RESOURCE_LIMIT_EXCEEDED', status: 413 };
  switch (error.code) {
    case 'BAD_USER_INPUT':
    case 'LIMIT_EXCEEDED':
      return { error_code: 'INVALID_PARAMETER_VALUE', status: 400 };
    case 'NOT_FOUND':
      return { error_code: 'RESOURCE_DOES_NOT_EXIST', status: 404 };
    case 'CONFLICT':
      return error.extensions.reason === 'ALREADY_EXISTS'
        ? { error_code: 'RESOURCE_ALREADY_EXISTS', status: 400 }
        : { error_code: 'INVALID_STATE', status: 400 };
    case 'UNAUTHENTICATED':
      return { error_code: 'UNAUTHENTICATED', status: 401 };
    case 'FORBIDDEN':
      return { error_code: 'PERMISSION_DENIED', status: 403 };
    case 'BACKEND_UNAVAILABLE':
      return { error_code: 'TEMPORARILY_UNAVAILABLE', status: 503 };
    default:
      return { error_code: 'INTERNAL_ERROR', status: 500 };
  }
}

/**
 * An MLflow REST endpoint: errors answer in MLflow's shape (`error_code`, `message`) with its
 * HTTP status; anything unexpected is logged and answers INTERNAL_ERROR with the request id.
 */
export function mlflowRoute(
  method: HttpRoute['method'],
  path: string,
  scope: string,
  handle: (request: Request, context: RequestContext) => Promise<Response>,
): HttpRoute {
  return {
    method,
    path,
    scope,
    async handler(request, context) {
      try {
        return await handle(request, context);
      } catch (error) {
        if (error instanceof JarvisError) {
          const { error_code, status } = mlflowError(error);
          context.logger.info(
            { code: error_code, path, message: error.message },
            'MLflow API request refused',
          );
          // error_class as MLflow 3 sends it: the code, but RESOURCE_NOT_FOUND for a missing thing.
          const error_class = error_code === 'RESOURCE_DOES_NOT_EXIST' ? 'RESOURCE_NOT_FOUND' : error_code;
          return Response.json({ error_code, message: error.message, error_class }, { status });
        }
        context.logger.error({ err: error, path }, 'MLflow API request failed');
        return Response.json(
          {
            error_code: 'INTERNAL_ERROR',
            message: `Internal error (request ${context.requestId}); the server log has the details`,
          },
          { status: 500 },
        );
      }
    },
  };
}

/** MLflow's answer for a route it does not serve, which its clients report by name. */
export function mlflowEndpointNotFound(method: string, pathname: string): Response {
  return Response.json(
    {
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `Jarvis does not serve ${method} ${pathname} of the MLflow API; the README's "MLflow compatibility" lists what it serves`,
    },
    { status: 404 },
  );
}
