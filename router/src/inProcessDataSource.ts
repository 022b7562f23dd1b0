import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { RequestContext } from '@jarvis/context';
import { formatError, JarvisError } from '@jarvis/errors';
import { type GraphQLSchema, graphql } from 'graphql';

/**
 * Executes a subgraph's part of a query plan in this process (no HTTP hop), and formats its
 * errors exactly as the subgraph's own server would over HTTP, so `jarvis dev` and production
 * return the same errors.
 */
export class InProcessDataSource implements GraphQLDataSource<RequestContext> {
  private readonly schema: GraphQLSchema;
  private readonly name: string;

  constructor(name: string, schema: GraphQLSchema) {
    this.name = name;
    this.schema = schema;
  }

  async process({ request, context }: GraphQLDataSourceProcessOptions<RequestContext>) {
    const result = await graphql({
      schema: this.schema,
      source: request.query!,
      variableValues: request.variables ?? null,
      operationName: request.operationName ?? null,
      contextValue: context,
    });
    if (!result.errors?.length) return { data: result.data ?? null };
    const requestId = (context as Partial<RequestContext>).requestId;
    const errors = result.errors.map((error) => {
      if (!(error.originalError instanceof JarvisError) && error.originalError) {
        (context as Partial<RequestContext>).logger?.error(
          { err: error.originalError, subgraph: this.name, path: error.path },
          'resolver failed',
        );
      }
      return formatError(error.toJSON(), error, requestId);
    });
    return { data: result.data ?? null, errors };
  }
}
