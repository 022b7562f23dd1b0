import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger, RequestContext } from '@jarvis/context';
import { ErrorCode, formatError } from '@jarvis/errors';
import type { GraphQLError } from 'graphql';

/**
 * One log line per error, at the level its cause deserves: a caller's bad input (what it will
 * see with its code) at `info` with no stack, since it is news about a client, not about
 * Jarvis; anything masked as INTERNAL_SERVER_ERROR at `error` with its stack, because that
 * code means a bug. Returns the code, so callers need not format twice.
 */
export function logOperationError(logger: Logger | undefined, error: GraphQLError, where: object = {}) {
  const code = formatError(error.toJSON(), error).extensions?.code as string | undefined;
  const path = error.path;
  if (code === ErrorCode.INTERNAL_SERVER_ERROR) {
    // Already masked by a subgraph (which logged the cause): nothing more to say here.
    if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) return code;
    logger?.error({ err: error.originalError ?? error, path, ...where }, 'operation failed');
  } else logger?.info({ code, path, message: error.message, ...where }, 'operation refused');
  return code;
}

/** The Apollo Server plugin that logs every error of an operation with the request's ids. */
export const logOperationErrors: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) logOperationError(contextValue.logger, error);
      },
    };
  },
};
