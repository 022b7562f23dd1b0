import type { EntityQueries, Subgraph } from '@jarvis/subgraph';
import { subgraph as analytics } from '@jarvis/subgraph-analytics';
import { subgraph as drives } from '@jarvis/subgraph-drives';
import { subgraph as experiments } from '@jarvis/subgraph-experiments';
import { subgraph as identity } from '@jarvis/subgraph-identity';
import { subgraph as notifications } from '@jarvis/subgraph-notifications';
import { subgraph as platform } from '@jarvis/subgraph-platform';
import { subgraph as storage } from '@jarvis/subgraph-storage';
import { subgraph as workflows } from '@jarvis/subgraph-workflows';

/** Every subgraph of the supergraph, each declared with defineSubgraph. Adding one is one line here. */
export const SUBGRAPHS: Subgraph[] = [
  identity,
  platform,
  storage,
  experiments,
  workflows,
  analytics,
  notifications,
  drives,
];

/** How the router fetches every subgraph's entities when a subscription event names one. */
export const ENTITY_QUERIES: EntityQueries = Object.assign({}, ...SUBGRAPHS.map((s) => s.entityQueries));

/** The URL a subgraph answers on inside the compose stack; `jarvis serve router` takes config's. */
export const defaultSubgraphUrl = (name: string) => `http://${name}:4000/graphql`;
