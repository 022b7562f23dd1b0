import { composeServices } from '@apollo/composition';
import type { DocumentNode } from 'graphql';

export interface SubgraphSdl {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

/** Composes subgraph SDL into a supergraph; composition errors name the subgraph and type. */
export function composeSupergraph(subgraphs: SubgraphSdl[]): string {
  const result = composeServices(subgraphs);
  if (result.errors?.length) {
    throw new Error(
      `Supergraph composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`,
    );
  }
  return result.supergraphSdl!;
}
