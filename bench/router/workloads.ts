import type { PubSub } from '@jarvis/pubsub';
import { guildSubgraphs } from '@jarvis/testkit/guildSubgraphs';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { standInSubgraphs } from './standInSubgraphs.ts';

/**
 * The router benchmarks' subgraph sets: `stand-ins`, three of the shape of workflows, experiments
 * and storage; `guild`, The Guild's federation gateway benchmark's four.
 */
export type Workload = 'stand-ins' | 'guild';

export function workloadSubgraphs(
  workload: Workload,
  bus: PubSub,
): { name: string; typeDefs: DocumentNode; schema: GraphQLSchema }[] {
  if (workload === 'guild') return guildSubgraphs();
  if (workload === 'stand-ins') return standInSubgraphs(bus);
  throw new Error(`no router workload called ${workload}: stand-ins or guild`);
}
