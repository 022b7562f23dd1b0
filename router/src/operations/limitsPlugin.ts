import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '@jarvis/context';
import { JarvisError } from '@jarvis/errors';
import type { OperationLimiter } from './operationLimits.ts';

/**
 * Checks the operation limits once Apollo Server has parsed and validated the document and
 * before the gateway plans or calls any subgraph; a refused operation is HTTP 400.
 */
export function limitsPlugin(check: OperationLimiter): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return; // operationResolutionPlugin refuses it
          const exceeded = check(schema, document, operation, request.variables ?? {});
          if (exceeded)
            throw new JarvisError(exceeded.code, exceeded.message, {
              ...exceeded.extensions,
              http: { status: 400 },
            });
        },
      };
    },
  };
}
