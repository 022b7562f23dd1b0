import { defineSubgraph } from '@jarvis/subgraph';
import { driveSecretKey } from './driveSecretKey.ts';
import { oauthApps } from './oauthApps.ts';
import { createResolvers } from './resolvers/index.ts';
import { oauthCallbackRoute } from './routes/oauthCallbackRoute.ts';
import { secretBox } from './secrets/secretBox.ts';
import { DrivesService } from './service.ts';
import { drivesMigrations } from './store/migrations.ts';
import { SqlDriveStore } from './store/sqlDriveStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The drives subgraph: users' own drives (WebDAV and local folders so far), connected and browsed. */
export const subgraph = defineSubgraph({
  name: 'drives',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  routePrefixes: ['/drives/'],
  create(deps) {
    const config = deps.config.services.drives;
    const service = new DrivesService({
      store: new SqlDriveStore(deps.db),
      secrets: secretBox([driveSecretKey(config.secret_key, deps.config.home)]),
      localRoots: config.local_roots,
      oauth: oauthApps(config),
      logger: deps.logger,
    });
    return {
      resolvers: createResolvers(service),
      routes: oauthCallbackRoute(service),
      subscriptions: subscriptionFields,
      migrations: drivesMigrations,
      backup: { tables: ['drives'] },
      service,
    };
  },
});
