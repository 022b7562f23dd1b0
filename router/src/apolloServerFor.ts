import type { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { currentContext, type RequestContext } from '@jarvis/context';
import { formatError } from '@jarvis/errors';
import { type JarvisMetrics, metricsPlugin } from '@jarvis/telemetry';
import type { GraphQLSchema } from 'graphql';
import { logOperationErrors } from './logOperationErrors.ts';

/** One configuration of Apollo Server for the router (gateway) and for standalone subgraphs. */
export function apolloServerFor(
  source: { gateway: ApolloGateway } | { schema: GraphQLSchema },
  metrics: JarvisMetrics,
  service: string,
  plugins: ApolloServerPlugin<RequestContext>[] = [],
  options: { persistedQueries?: false; parseOptions?: { maxTokens: number } } = {},
): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    ...source,
    ...options,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // GraphiQL is ours (bundled, offline); Apollo's landing page would load from a CDN.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces only feed Apollo's hosted usage reporting, which Jarvis does not use.
      ApolloServerPluginInlineTraceDisabled(),
      metricsPlugin(metrics, service),
      logOperationErrors,
      ...plugins,
    ],
    formatError: (formatted, error) => formatError(formatted, error, currentContext()?.requestId),
  } as ConstructorParameters<typeof ApolloServer<RequestContext>>[0]);
}
