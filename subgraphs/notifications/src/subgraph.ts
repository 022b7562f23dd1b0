import { defineSubgraph } from '@jarvis/subgraph';
import { createResolvers } from './resolvers/index.ts';
import { NotificationsService } from './service.ts';
import { notificationsMigrations } from './store/migrations.ts';
import { SqlNotificationStore } from './store/sqlNotificationStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The notifications subgraph: channels (webhook, Slack, e-mail), rules, an outbox delivered with retries. */
export const subgraph = defineSubgraph({
  name: 'notifications',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  create(deps) {
    const service = new NotificationsService({
      store: new SqlNotificationStore(deps.db),
      config: deps.config.services.notifications,
      pubsub: deps.pubsub,
      logger: deps.logger,
    });
    return {
      resolvers: createResolvers(service),
      subscriptions: subscriptionFields,
      migrations: notificationsMigrations,
      jobs: service.jobs(),
      backup: { tables: ['channels', 'rules', 'outbox', 'deliveries'] },
      start: () => service.start(),
      stop: () => service.stop(),
    };
  },
});
