import { type ArtifactPort, defineSubgraph } from '@jarvis/subgraph';
import { driveSecretKey } from './driveSecretKey.ts';
import { oauthApps } from './oauthApps.ts';
import { createResolvers } from './resolvers/index.ts';
import { oauthCallbackRoute } from './routes/oauthCallbackRoute.ts';
import { secretBox } from './secrets/secretBox.ts';
import { DrivesService } from './service.ts';
import { drivesMigrations } from './store/migrations.ts';
import { SqlDriveStore } from './store/sqlDriveStore.ts';
import { SqlSyncJobStore } from './store/sqlSyncJobStore.ts';
import { SqlTransferStore } from './store/sqlTransferStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';
import { TransferRunner } from './transfers/transferRunner.ts';

/** The drives subgraph: users' own drives, connected, browsed, imported from and exported to. */
export const subgraph = defineSubgraph({
  name: 'drives',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  routePrefixes: ['/drives/'],
  uses: ['storage', 'identity'],
  create(deps) {
    const config = deps.config.services.drives;
    const store = new SqlDriveStore(deps.db);
    const transfers = new SqlTransferStore(deps.db);
    const syncJobs = new SqlSyncJobStore(deps.db);
    const artifacts = () => deps.peer('storage') as ArtifactPort | undefined;
    const service = new DrivesService({
      store,
      transfers,
      syncJobs,
      artifacts,
      // Queued work starts now rather than at the runner's next look (up to a second later).
      wake: () =>
        deps.jobs.runSoon('drives.transfers').catch((error: unknown) => {
          deps.logger.warn({ err: error }, 'could not wake the transfer runner; it looks again shortly');
        }),
      secrets: secretBox([driveSecretKey(config.secret_key, deps.config.home)]),
      localRoots: config.local_roots,
      oauth: oauthApps(config),
      logger: deps.logger,
    });
    const runner = new TransferRunner({
      transfers,
      drives: store,
      syncJobs,
      pubsub: deps.pubsub,
      logger: deps.logger,
      artifacts: () => service.storage(),
      provider: (drive) => service.provider(drive),
      noteReconnect: (drive, error) => service.noteReconnect(drive, error),
      currentPrincipal: async (principal) => {
        const identity = deps.peer('identity') as
          | { currentPrincipal?(p: typeof principal): Promise<typeof principal> }
          | undefined;
        // Without identity in this process (a test running drives alone) the principal stands as kept.
        return identity?.currentPrincipal ? identity.currentPrincipal(principal) : principal;
      },
    });
    return {
      resolvers: createResolvers(service),
      routes: oauthCallbackRoute(service),
      subscriptions: subscriptionFields,
      migrations: drivesMigrations,
      jobs: [runner.job(), runner.syncSchedule()],
      backup: {
        tables: ['drives', 'transfers', 'transfer_files', 'imported_files', 'sync_jobs', 'sync_state'],
      },
      service,
    };
  },
});
