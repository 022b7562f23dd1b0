import type { Readable } from 'node:stream';
import type { JarvisConfig } from '@jarvis/config';
import type { Logger, RequestContext } from '@jarvis/context';
import type { Database } from '@jarvis/db';
import type { JobRunner } from '@jarvis/jobs';
import type { PubSub } from '@jarvis/pubsub';
import type { HealthRegistry, JarvisMetrics } from '@jarvis/telemetry';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** What the process gives every subgraph: one of each, shared in `jarvis dev`. */
export interface SubgraphDeps {
  config: JarvisConfig;
  db: Database;
  /** Background work: one runner per process, one lease per job across replicas. */
  jobs: JobRunner;
  pubsub: PubSub;
  logger: Logger;
  health: HealthRegistry;
  metrics: JarvisMetrics;
  /**
   * Another subgraph's service in this process (drives stores through storage's), or undefined
   * when it is not here. A subgraph names the ones it calls in `uses`, and `jarvis serve` starts
   * them beside it (not served, sharing the database and blob store), so the call is in-process
   * everywhere.
   */
  peer(name: string): unknown;
}

/** The context every resolver receives, in-process or over HTTP. */
export type SubgraphContext = RequestContext;

/** A non-GraphQL endpoint (uploads, the MLflow REST API), served on the router's origin. */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  /** Exact path, or a prefix ending in `/*`. */
  path: string;
  /** Who may call it, as `@access` says for fields (`storage:read`, `experiments:log`, `public`). */
  scope: string;
  /** State-changing calls are audited; false for a protocol's chatter (a worker's polls and heartbeats). */
  audit?: boolean;
  handler(request: Request, context: RequestContext): Promise<Response>;
}

/** A file a subgraph keeps outside its tables (storage's blobs), named by its content's sha256. */
export interface BackupFile {
  sha256: string;
  size: number;
  /** Whatever the subgraph needs to restore it (e.g. how it was encoded). */
  meta: Record<string, unknown>;
}

/** What `jarvis backup` copies of a subgraph and `jarvis restore` puts back. */
export interface SubgraphBackup {
  schema: string;
  /** Tables copied row by row, in restore order (parents before children); transient ones left out. */
  tables: string[];
  /**
   * Rows a fresh database already has because the subgraph put them there itself (identity's
   * default project), by table: an SQL condition. A restore does not count them as data, and
   * replaces them with the backup's.
   */
  seeds?: Record<string, string>;
  /** Content-addressed files, restored before the tables. */
  files?: {
    list(): Promise<BackupFile[]>;
    /** The file's plain content. */
    read(file: BackupFile): Promise<Readable>;
    /** Stores the content (checking its sha256) and whatever row points at it. */
    restore(file: BackupFile, content: Readable): Promise<void>;
  };
}

/**
 * A root Subscription field. The subgraph publishes its events on a pubsub topic and serves the
 * field itself (`subscriptionResolvers`); the router subscribes to the subgraph and resolves the
 * fields of other subgraphs in each event through the gateway.
 */
export interface SubscriptionField {
  topic(args: Record<string, unknown>, context: RequestContext): string;
  /** The entity the caller must be able to see before subscribing (read with `EntityQueries`). */
  requires?: { type: string; idArg: string };
  /** Whether an event goes to this subscriber (for arguments the topic does not encode). */
  filter?(args: Record<string, unknown>, payload: unknown): boolean;
  /**
   * What already happened, sent before live events: a query on the subgraph's own schema (its
   * root field aliased as the events function expects). Live events at or below the last replayed
   * sequence are dropped, so none is sent twice and none is lost between the two.
   */
  replay?: {
    query: string;
    variables(args: Record<string, unknown>): Record<string, unknown>;
    events(data: unknown): unknown[];
    sequence(event: unknown): number;
  };
}

/**
 * How the router fetches an entity an event names, by type: a query taking `$entityId` whose root
 * field is aliased `entity`, with `SELECTION` where the caller's selection goes, e.g.
 * `query($entityId: ID!) { entity: run(id: $entityId) SELECTION }`.
 */
export type EntityQueries = Record<string, string>;

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
  backup?: SubgraphBackup;
  /** The subgraph's domain service, when it offers one to its process (defineSubgraph's `service`). */
  service?: unknown;
}

export type CreateSubgraph = (deps: SubgraphDeps) => SubgraphModule;
