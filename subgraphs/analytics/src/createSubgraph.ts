import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type CreateSubgraph, loadTypeDefs, subscriptionResolvers } from '@jarvis/subgraph';
import type { GraphQLSchema } from 'graphql';
import { entityQueries, subscriptionFields } from './alertTopics.ts';
import { createResolvers } from './resolvers/index.ts';
import { AnalyticsService } from './service.ts';
import { analyticsMigrations } from './store/migrations.ts';
import { SqlAnalyticsStore } from './store/sqlAnalyticsStore.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The analytics subgraph: component metrics, series (Prometheus or embedded), alert rules, dashboards. */
export const createSubgraph: CreateSubgraph = (deps) => {
  const service = new AnalyticsService({
    store: new SqlAnalyticsStore(deps.db),
    config: deps.config.services.analytics,
    registry: deps.metrics.registry,
    pubsub: deps.pubsub,
    logger: deps.logger,
  });
  const schema: GraphQLSchema = buildSubgraphSchema({
    typeDefs,
    resolvers: {
      ...createResolvers(service),
      Subscription: subscriptionResolvers(subscriptionFields, {
        pubsub: deps.pubsub,
        entityQueries,
        schema: () => schema,
      }),
    } as GraphQLResolverMap<unknown>,
  });
  return {
    name: 'analytics',
    typeDefs,
    schema,
    routes: [],
    async start() {
      await deps.db.migrate('analytics', analyticsMigrations);
      await service.start();
    },
    async stop() {
      await service.stop();
    },
    backup: { schema: 'analytics', tables: ['metric_definitions', 'alert_rules', 'alerts', 'dashboards'] },
  };
};
