import { defineSubgraph } from '@jarvis/subgraph';
import { createResolvers } from './resolvers/index.ts';
import { PlatformService } from './service.ts';
import { platformMigrations } from './store/migrations.ts';
import { sqlSettingsStore } from './store/sqlSettingsStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The platform subgraph: settings, effective configuration and health. */
export const subgraph = defineSubgraph({
  name: 'platform',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  create(deps) {
    const service = new PlatformService({
      store: sqlSettingsStore(deps.db),
      health: deps.health,
      config: deps.config,
      jobs: deps.jobs,
      pubsub: deps.pubsub,
      logger: deps.logger,
    });
    return {
      resolvers: createResolvers(service),
      subscriptions: subscriptionFields,
      migrations: platformMigrations,
      backup: { tables: ['settings', 'setting_changes'] },
    };
  },
});
