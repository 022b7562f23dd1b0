import { defineSubgraph } from '@jarvis/subgraph';
import { createResolvers } from './resolvers/index.ts';
import { mlflowWebhookRoutes } from './routes/mlflowWebhookRoutes.ts';
import { NotificationsService } from './service.ts';
import { notificationsMigrations } from './store/migrations.ts';
import { SqlNotificationStore } from './store/sqlNotificationStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The notifications subgraph: channels (webhook, Slack, e-mail), rules, an outbox delivered with retries. */
export const subgraph = defineSubgraph({
  name: 'notifications',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  // MLflow's webhooks, inside experiments' /api/2.0/mlflow/.
  routePrefixes: ['/api/2.0/mlflow/webhooks', '/ajax-api/2.0/mlflow/webhooks'],
  create(deps) {
    const service = new NotificationsService({
      store: new SqlNotificationStore(deps.db),
      config: deps.config.services.notifications,
      pubsub: deps.pubsub,
      logger: deps.logger,
    });
    return {
      resolvers: createResolvers(service),
      routes: mlflowWebhookRoutes(service.mlflowWebhooks, deps.config.server.max_api_body_bytes),
      subscriptions: subscriptionFields,
      migrations: notificationsMigrations,
      jobs: service.jobs(),
      backup: { tables: ['channels', 'rules', 'outbox', 'deliveries'] },
      start: () => service.start(),
      stop: () => service.stop(),
    };
  },
});
