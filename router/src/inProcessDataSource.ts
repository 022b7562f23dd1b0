import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { RequestContext } from '@jarvis/context';
import { ErrorCode, formatError } from '@jarvis/errors';
import type { JarvisMetrics } from '@jarvis/telemetry';
import { type GraphQLSchema, graphql } from 'graphql';
import { logOperationError } from './logOperationErrors.ts';

/**
 * Executes a subgraph's part of a query plan in this process (no HTTP hop), and formats its
 * errors exactly as the subgraph's own server would over HTTP, so `jarvis dev` and production
 * return the same errors.
 */
export class InProcessDataSource implements GraphQLDataSource<RequestContext> {
  private readonly schema: GraphQLSchema;
  private readonly name: string;
  private readonly metrics: JarvisMetrics | undefined;

  constructor(name: string, schema: GraphQLSchema, metrics?: JarvisMetrics) {
    this.name = name;
    this.schema = schema;
    this.metrics = metrics;
  }

  async process(options: GraphQLDataSourceProcessOptions<RequestContext>) {
    const started = process.hrtime.bigint();
    const response = await this.execute(options);
    // The same series a subgraph's own server records behind `jarvis serve`.
    if (this.metrics) {
      const service = this.name;
      const operation = this.metrics.operationLabel(options.request.operationName);
      const type = /^\s*mutation\b/.test(options.request.query ?? '') ? 'mutation' : 'query';
      this.metrics.graphqlDuration.observe(
        { service, operation, type },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      this.metrics.graphqlRequests.inc({
        service,
        operation,
        type,
        status: response.errors?.length ? 'error' : 'ok',
      });
      for (const error of response.errors ?? [])
        this.metrics.graphqlErrors.inc({
          service,
          operation,
          code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
        });
    }
    return response;
  }

  private async execute({ request, context }: GraphQLDataSourceProcessOptions<RequestContext>) {
    const result = await graphql({
      schema: this.schema,
      source: request.query!,
      variableValues: request.variables ?? null,
      operationName: request.operationName ?? null,
      contextValue: context,
    });
    if (!result.errors?.length) return { data: result.data ?? null };
    const requestId = (context as Partial<RequestContext>).requestId;
    // A value the subgraph's scalars refuse (a DateTime that is no date, a SafeInt past 2^53),
    // inline or in a variable, fails before execution, with no data. The router's supergraph
    // knows these scalars only by name, so the subgraph is the first to check them: the
    // caller's input, as Apollo Server labels it behind `jarvis serve`.
    if (!('data' in result)) {
      return {
        data: null,
        errors: result.errors.map((e) => ({ message: e.message, extensions: { code: 'BAD_USER_INPUT' } })),
      };
    }
    const logger = (context as Partial<RequestContext>).logger;
    const errors = result.errors.map((error) => {
      const formatted = formatError(error.toJSON(), error, requestId);
      // The router logs what its caller sees; only a bug's cause, masked from here on, is
      // logged where it is still known.
      if (formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR)
        logOperationError(logger, error, { subgraph: this.name });
      return formatted;
    });
    return { data: result.data ?? null, errors };
  }
}
