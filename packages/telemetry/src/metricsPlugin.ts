import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { JarvisMetrics } from './createMetrics.ts';

/** Apollo Server plugin: counts and times every operation, and counts errors by code. */
export function metricsPlugin<C extends BaseContext>(
  metrics: JarvisMetrics,
  service: string,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const operation = metrics.operationLabel(ctx.operationName ?? ctx.request.operationName);
          const type = ctx.operation?.operation ?? 'unknown';
          const errors = ctx.errors ?? [];
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlDuration.observe({ service, operation, type }, seconds);
          metrics.graphqlRequests.inc({ service, operation, type, status: errors.length ? 'error' : 'ok' });
          for (const error of errors) {
            const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            metrics.graphqlErrors.inc({ service, operation, code });
          }
        },
      };
    },
  };
}
