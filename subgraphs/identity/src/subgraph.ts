import { AuditLog } from '@jarvis/audit';
import { defineSubgraph } from '@jarvis/subgraph';
import { auditExportRoute } from './auditExportRoute.ts';
import { internalRoutes } from './internalRoutes.ts';
import { createResolvers } from './resolvers/index.ts';
import { IdentityService } from './service.ts';
import { identityMigrations } from './store/migrations.ts';
import { sqlIdentityStore } from './store/sqlIdentityStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The identity subgraph: users, projects, memberships, service accounts, API keys, the audit log. */
export const subgraph = defineSubgraph({
  name: 'identity',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  routePrefixes: ['/audit/'],
  create(deps) {
    const audit = new AuditLog(deps.db, deps.logger, deps.pubsub);
    const service = new IdentityService({
      store: sqlIdentityStore(deps.db),
      audit,
      config: deps.config,
      pubsub: deps.pubsub,
      logger: deps.logger,
    });
    return {
      resolvers: createResolvers(service),
      subscriptions: subscriptionFields,
      migrations: identityMigrations,
      backup: {
        tables: ['users', 'projects', 'memberships', 'service_accounts', 'api_keys'],
        // The default project and the local admin exist in every fresh Jarvis.
        seeds: {
          users: "id = 'local' and issuer is null",
          projects: "id = 'default' and created_by is null",
        },
      },
      routes: [...internalRoutes(service, deps.config.server.max_api_body_bytes), auditExportRoute(audit)],
      start: () => service.start(),
      stop: async () => service.stop(),
      service,
    };
  },
});
