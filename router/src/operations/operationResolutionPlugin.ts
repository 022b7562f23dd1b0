import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '@jarvis/context';
import { GraphQLError, Kind } from 'graphql';

/**
 * Refuses a request whose `operationName` names no operation of its document (or that names
 * none where the document has several) as a client error. Apollo Server leaves that to the
 * executor, and the gateway's executor throws an error Apollo reports as HTTP 500.
 */
export const operationResolutionPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, request }) {
        if (operation) return;
        const names = document.definitions.flatMap((d) =>
          d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : [],
        );
        const message = request.operationName
          ? `the document has no operation named ${JSON.stringify(request.operationName)}; it has ${names.join(', ') || 'none'}`
          : `the document has ${names.length} operations (${names.join(', ')}); say which in operationName`;
        throw new GraphQLError(message, {
          extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
        });
      },
    };
  },
};
