import type { CreateSubgraph, EntityQueries } from '@jarvis/subgraph';
import {
  entityQueries as analyticsEntities,
  typeDefs as analyticsTypeDefs,
  createSubgraph as createAnalytics,
} from '@jarvis/subgraph-analytics';
import {
  createSubgraph as createExperiments,
  entityQueries as experimentsEntities,
  typeDefs as experimentsTypeDefs,
} from '@jarvis/subgraph-experiments';
import {
  createSubgraph as createNotifications,
  typeDefs as notificationsTypeDefs,
} from '@jarvis/subgraph-notifications';
import { createSubgraph as createPlatform, typeDefs as platformTypeDefs } from '@jarvis/subgraph-platform';
import { createSubgraph as createStorage, typeDefs as storageTypeDefs } from '@jarvis/subgraph-storage';
import {
  createSubgraph as createWorkflows,
  entityQueries as workflowsEntities,
  typeDefs as workflowsTypeDefs,
} from '@jarvis/subgraph-workflows';
import type { DocumentNode } from 'graphql';

export interface SubgraphEntry {
  name: string;
  typeDefs: DocumentNode;
  create: CreateSubgraph;
  /** Paths of the subgraph's own HTTP routes, which `jarvis serve router` forwards to it. */
  routePrefixes: string[];
  /** How the router fetches its entities when a subscription event names one. */
  entityQueries?: EntityQueries;
}

/** Every subgraph of the supergraph. Adding a subgraph means adding it here (see README). */
export const SUBGRAPHS: SubgraphEntry[] = [
  { name: 'platform', typeDefs: platformTypeDefs, create: createPlatform, routePrefixes: [] },
  {
    name: 'storage',
    typeDefs: storageTypeDefs,
    create: createStorage,
    // MLflow's artifact proxy, and the tracking API's artifact listing, read storage's blobs.
    routePrefixes: ['/storage/', '/api/2.0/mlflow-artifacts/', '/api/2.0/mlflow/artifacts/'],
  },
  {
    name: 'experiments',
    typeDefs: experimentsTypeDefs,
    create: createExperiments,
    routePrefixes: ['/api/2.0/mlflow/'],
    entityQueries: experimentsEntities,
  },
  {
    name: 'workflows',
    typeDefs: workflowsTypeDefs,
    create: createWorkflows,
    // The task-polling API of workers in other processes.
    routePrefixes: ['/workflows/'],
    entityQueries: workflowsEntities,
  },
  {
    name: 'analytics',
    typeDefs: analyticsTypeDefs,
    create: createAnalytics,
    routePrefixes: [],
    entityQueries: analyticsEntities,
  },
  { name: 'notifications', typeDefs: notificationsTypeDefs, create: createNotifications, routePrefixes: [] },
];

/** How the router fetches every subgraph's entities when a subscription event names one. */
export const ENTITY_QUERIES: EntityQueries = Object.assign(
  {},
  ...SUBGRAPHS.map((s) => s.entityQueries ?? {}),
);

/** The URL a subgraph answers on inside the compose stack; `jarvis serve router` takes config's. */
export const defaultSubgraphUrl = (name: string) => `http://${name}:4000/graphql`;
