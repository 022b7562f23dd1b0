import type { JarvisConfig } from '@jarvis/config';
import type { Logger, RequestContext } from '@jarvis/context';
import type { Database } from '@jarvis/db';
import type { PubSub } from '@jarvis/pubsub';
import type { HealthRegistry, JarvisMetrics } from '@jarvis/telemetry';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** What the process gives every subgraph: one of each, shared in `jarvis dev`. */
export interface SubgraphDeps {
  config: JarvisConfig;
  db: Database;
  pubsub: PubSub;
  logger: Logger;
  health: HealthRegistry;
  metrics: JarvisMetrics;
}

/** The context every resolver receives, in-process or over HTTP. */
export type SubgraphContext = RequestContext;

/** A non-GraphQL endpoint (uploads, the MLflow REST API), served on the router's origin. */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  /** Exact path, or a prefix ending in `/*`. */
  path: string;
  handler(request: Request, context: RequestContext): Promise<Response>;
}

export interface SubgraphModule {
  name: string;
  /** The subgraph's SDL, parsed, as composition reads it. */
  typeDefs: DocumentNode;
  /** Executable federated schema (buildSubgraphSchema). */
  schema: GraphQLSchema;
  routes: HttpRoute[];
  /** Applies migrations and starts background work. Idempotent. */
  start(): Promise<void>;
  /** Finishes in-flight work and releases what start() took. */
  stop(): Promise<void>;
}

export type CreateSubgraph = (deps: SubgraphDeps) => SubgraphModule;
