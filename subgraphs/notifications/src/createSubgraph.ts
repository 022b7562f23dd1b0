import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type CreateSubgraph, loadTypeDefs } from '@jarvis/subgraph';
import { createResolvers } from './resolvers/index.ts';
import { NotificationsService } from './service.ts';
import { notificationsMigrations } from './store/migrations.ts';
import { SqlNotificationStore } from './store/sqlNotificationStore.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The notifications subgraph: channels (webhook, Slack, e-mail), rules, an outbox delivered with retries. */
export const createSubgraph: CreateSubgraph = (deps) => {
  const service = new NotificationsService({
    store: new SqlNotificationStore(deps.db),
    config: deps.config.services.notifications,
    pubsub: deps.pubsub,
    logger: deps.logger,
  });
  return {
    name: 'notifications',
    typeDefs,
    schema: buildSubgraphSchema({
      typeDefs,
      resolvers: createResolvers(service) as GraphQLResolverMap<unknown>,
    }),
    routes: [],
    async start() {
      await deps.db.migrate('notifications', notificationsMigrations);
      await service.start();
    },
    async stop() {
      await service.stop();
    },
    backup: { schema: 'notifications', tables: ['channels', 'rules', 'outbox', 'deliveries'] },
  };
};
