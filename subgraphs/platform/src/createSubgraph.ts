import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type CreateSubgraph, loadTypeDefs } from '@jarvis/subgraph';
import { createResolvers } from './resolvers/index.ts';
import { PlatformService } from './service.ts';
import { platformMigrations } from './store/migrations.ts';
import { sqlSettingsStore } from './store/sqlSettingsStore.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The platform subgraph: settings, effective configuration and health. */
export const createSubgraph: CreateSubgraph = (deps) => {
  const service = new PlatformService(sqlSettingsStore(deps.db), deps.health, deps.config);
  const resolvers = createResolvers(service) as GraphQLResolverMap<unknown>;
  return {
    name: 'platform',
    typeDefs,
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    routes: [],
    async start() {
      await deps.db.migrate('platform', platformMigrations);
    },
    async stop() {},
    backup: { schema: 'platform', tables: ['settings', 'setting_changes'] },
  };
};
