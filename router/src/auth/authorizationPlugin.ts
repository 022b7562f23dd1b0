import type { ApolloServerPlugin } from '@apollo/server';
import { type AccessRules, authorizeOperation } from '@jarvis/auth';
import type { RequestContext } from '@jarvis/context';
import { JarvisError } from '@jarvis/errors';

/**
 * Checks every field of the operation against its `@access` in the supergraph once Apollo
 * Server has resolved the operation, before the gateway plans it: a refused field refuses the
 * operation (401 UNAUTHENTICATED or 403 FORBIDDEN) and no subgraph is called.
 */
export function authorizationPlugin(rules: AccessRules): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, schema, contextValue }) {
          try {
            authorizeOperation(schema, rules, document, contextValue.principal, operationName);
          } catch (error) {
            if (!(error instanceof JarvisError)) throw error;
            throw new JarvisError(error.code, error.message, {
              ...error.extensions,
              http: { status: error.code === 'UNAUTHENTICATED' ? 401 : 403 },
            });
          }
        },
      };
    },
  };
}
