import type { JarvisConfig } from '@jarvis/config';
import { createLogger, type Logger } from '@jarvis/context';
import { createDatabase, type Database } from '@jarvis/db';
import { JobRunner } from '@jarvis/jobs';
import { createPubSub, type PubSub } from '@jarvis/pubsub';
import type { SubgraphDeps } from '@jarvis/subgraph';
import { createMetrics, HealthRegistry } from '@jarvis/telemetry';
import { backendChecks } from './backendChecks.ts';

/** The per-process shared services every subgraph gets: one of each. */
export interface Runtime extends SubgraphDeps {
  /** The services `peer` answers with, by subgraph name: filled as subgraphs are created. */
  peers: Map<string, unknown>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** Create the metadata database (subgraphs need it; the router alone does not). */
  database?: boolean;
}

export async function createRuntime(config: JarvisConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'jarvis' });
  const metrics = createMetrics();
  const health = new HealthRegistry();
  const pubsub: PubSub = createPubSub(config.pubsub, (error) => logger.warn({ err: error }, 'pubsub error'));
  health.register({
    name: 'pubsub',
    kind: 'BACKEND',
    check: async () => {
      await pubsub.ping();
      return config.pubsub.type;
    },
  });
  let db: Database | undefined;
  let jobs: JobRunner | undefined;
  if (options.database !== false) {
    db = await createDatabase({
      url: config.database.url,
      home: config.home,
      poolSize: config.database.pool_size,
      onError: (error) => logger.warn({ err: error }, 'database connection lost'),
    });
    const database = db;
    health.register({
      name: 'database',
      kind: 'BACKEND',
      check: async () => {
        await database.ping();
        return database.kind;
      },
    });
  }
  for (const check of backendChecks(config)) health.register(check);
  const peers = new Map<string, unknown>();
  return {
    config,
    peers,
    peer: (name) => peers.get(name),
    logger,
    metrics,
    health,
    pubsub,
    get db(): Database {
      if (!db) throw new Error('this process has no metadata database (router only)');
      return db;
    },
    get jobs(): JobRunner {
      if (!db) throw new Error('this process has no metadata database (router only), so no jobs');
      jobs ??= new JobRunner({ db, logger, metrics });
      return jobs;
    },
    async close() {
      await jobs?.stop();
      await pubsub.close();
      await db?.close();
    },
  };
}
