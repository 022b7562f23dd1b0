import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './errorCodes.ts';
import { JarvisError } from './jarvisError.ts';

/** Codes produced by GraphQL servers themselves for bad requests; their messages are safe. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // Every Jarvis code but INTERNAL_SERVER_ERROR, which Apollo also gives any error without a
  // code: passing it through would show an internal message.
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
]);

/** Apollo Server's own refusals of a request (an APQ hash that does not match) carry a 4xx and no code. */
function isRequestRefusal(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | undefined)?.extensions?.http
    ?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function originalOf(error: unknown): unknown {
  let current = error as { originalError?: unknown } | undefined;
  while (current?.originalError && current.originalError !== current) {
    if (current.originalError instanceof JarvisError) return current.originalError;
    current = current.originalError as { originalError?: unknown };
  }
  return current;
}

/**
 * Keeps errors that are meant for the caller (JarvisError, GraphQL validation) and masks
 * everything else as INTERNAL_SERVER_ERROR carrying the request id, so the caller can quote it
 * and the operator can find the full error in the logs. Never returns a stack trace.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  requestId?: string,
): GraphQLFormattedError {
  const {
    stacktrace: _s,
    exception: _e,
    ...extensions
  } = (formatted.extensions ?? {}) as Record<string, unknown>;
  const code = typeof extensions.code === 'string' ? extensions.code : undefined;
  const original = originalOf(error);
  if (original instanceof JarvisError || (code && PASS_THROUGH.has(code))) {
    return { ...formatted, extensions: { ...extensions, code: code ?? ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  if (isRequestRefusal(error)) return { ...formatted, extensions: { ...extensions, code: 'BAD_REQUEST' } };
  return {
    message: requestId
      ? `Internal server error (request ${requestId}); the server log has the details`
      : 'Internal server error; the server log has the details',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(requestId ? { requestId } : {}) },
  };
}

/** A GraphQLError without a code, from validating a document, as Apollo Server labels those. */
export function asValidationError(error: GraphQLError): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
  });
}
