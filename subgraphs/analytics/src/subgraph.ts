import { defineSubgraph } from '@jarvis/subgraph';
import { createResolvers } from './resolvers/index.ts';
import { AnalyticsService } from './service.ts';
import { analyticsMigrations } from './store/migrations.ts';
import { SqlAnalyticsStore } from './store/sqlAnalyticsStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The analytics subgraph: component metrics, series (Prometheus or embedded), alert rules, dashboards. */
export const subgraph = defineSubgraph({
  name: 'analytics',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  create(deps) {
    const service = new AnalyticsService({
      store: new SqlAnalyticsStore(deps.db),
      config: deps.config.services.analytics,
      registry: deps.metrics.registry,
      pubsub: deps.pubsub,
      logger: deps.logger,
    });
    return {
      resolvers: createResolvers(service),
      subscriptions: subscriptionFields,
      migrations: analyticsMigrations,
      backup: { tables: ['metric_definitions', 'alert_rules', 'alerts', 'dashboards'] },
      jobs: service.jobs(),
      start: () => service.start(),
      stop: () => service.stop(),
    };
  },
});
