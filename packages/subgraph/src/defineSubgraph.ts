import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { AuditLog } from '@jarvis/audit';
import { accessRulesOf } from '@jarvis/auth';
import type { SqlMigration } from '@jarvis/db';
import type { Job } from '@jarvis/jobs';
import type { HealthCheck } from '@jarvis/telemetry';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { guardResolvers } from './guardResolvers.ts';
import { guardRoute } from './guardRoute.ts';
import { loadTypeDefs } from './loadTypeDefs.ts';
import type {
  EntityQueries,
  HttpRoute,
  SubgraphBackup,
  SubgraphDeps,
  SubgraphModule,
  SubscriptionField,
} from './subgraphModule.ts';
import { subscriptionResolvers } from './subscriptionResolvers.ts';

/** What a subgraph builds from the process's shared services: its parts, nothing about wiring. */
export interface SubgraphParts {
  /** The resolvers (codegen-typed in the subgraph; any object map here). */
  resolvers: object;
  /** Root Subscription fields, served from pubsub topics (see SubscriptionField). */
  subscriptions?: Record<string, SubscriptionField>;
  /** Its own HTTP routes (under the `routePrefixes` it declares). */
  routes?: HttpRoute[];
  /** Applied, in the subgraph's own database schema, before `start`. */
  migrations?: SqlMigration[];
  /** Tables `jarvis backup` copies, parents first, and content-addressed files. */
  backup?: Omit<SubgraphBackup, 'schema'>;
  /** Checks shown by `health`, registered once. */
  health?: HealthCheck[];
  /** Background work on the process's job runner (named `<subgraph>.<job>`). */
  jobs?: Job[];
  /** Background work, after migrations. */
  start?(): Promise<void>;
  /** Finishes in-flight work. */
  stop?(): Promise<void>;
  /** The domain service, for what runs beside the subgraph in its process (an in-process worker). */
  service?: unknown;
}

export interface SubgraphDefinition {
  /** Also its database schema, its `jarvis serve <name>` and its compose service. */
  name: string;
  /** Its `schema.graphql` (SDL first). */
  schema: URL;
  /** Path prefixes of its HTTP routes, which `jarvis serve router` forwards to it. */
  routePrefixes?: string[];
  /** How the router fetches its entities when a subscription event names one. */
  entityQueries?: EntityQueries;
  /** Subgraphs whose services this one calls through `deps.peer` (drives: storage). */
  uses?: string[];
  create(deps: SubgraphDeps): SubgraphParts;
}

/** A subgraph as the application's catalog lists it. */
export interface Subgraph {
  name: string;
  typeDefs: DocumentNode;
  routePrefixes: string[];
  entityQueries: EntityQueries;
  uses: string[];
  create(deps: SubgraphDeps): SubgraphModule;
}

/**
 * Declares a subgraph: its SDL, its parts, what it backs up. Does what every subgraph needs
 * done the same way: the federated schema (with its subscriptions), migrations before start,
 * health checks, backup registration under its own schema name.
 */
export function defineSubgraph(definition: SubgraphDefinition): Subgraph {
  const typeDefs = loadTypeDefs(definition.schema);
  const entityQueries = definition.entityQueries ?? {};
  const rules = accessRulesOf(typeDefs);
  return {
    name: definition.name,
    typeDefs,
    routePrefixes: definition.routePrefixes ?? [],
    entityQueries,
    uses: definition.uses ?? [],
    create(deps) {
      const parts = definition.create(deps);
      const audit = new AuditLog(deps.db, deps.logger, deps.pubsub);
      const schema: GraphQLSchema = buildSubgraphSchema({
        typeDefs,
        resolvers: guardResolvers(
          definition.name,
          {
            ...(parts.resolvers as Record<string, unknown>),
            ...(parts.subscriptions
              ? {
                  Subscription: subscriptionResolvers(parts.subscriptions, {
                    pubsub: deps.pubsub,
                    entityQueries,
                    schema: () => schema,
                  }),
                }
              : {}),
          },
          rules,
          audit,
        ) as GraphQLResolverMap<unknown>,
      });
      for (const check of parts.health ?? []) deps.health.register(check);
      const jobs = (parts.jobs ?? []).map((job) => ({ ...job, name: `${definition.name}.${job.name}` }));
      let started = false;
      return {
        name: definition.name,
        typeDefs,
        schema,
        routes: (parts.routes ?? []).map((route) => guardRoute(definition.name, route, audit)),
        async start() {
          if (started) return;
          if (parts.migrations) await deps.db.migrate(definition.name, parts.migrations);
          await parts.start?.();
          // Its jobs run while it does: a stopped module's work must not go on without it.
          for (const job of jobs) deps.jobs.register(job);
          started = true;
        },
        async stop() {
          if (started) for (const job of jobs) await deps.jobs.unregister(job.name);
          await parts.stop?.();
          started = false;
        },
        ...(parts.backup ? { backup: { schema: definition.name, ...parts.backup } } : {}),
        ...(parts.service !== undefined ? { service: parts.service } : {}),
      };
    },
  };
}
