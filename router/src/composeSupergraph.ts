import { createRequire } from 'node:module';
import type { composeServices as ComposeServices } from '@apollo/composition';
import { type DocumentNode, printSchema } from 'graphql';

// Loaded when first composing: a `jarvis dev` that starts from the committed supergraph never
// loads Apollo's composition at all.
const require = createRequire(import.meta.url);
const composeServices: typeof ComposeServices = (...args) =>
  (require('@apollo/composition') as { composeServices: typeof ComposeServices }).composeServices(...args);

export interface SubgraphSdl {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

function composed(subgraphs: SubgraphSdl[]) {
  const result = composeServices(subgraphs);
  if (result.errors?.length) {
    throw new Error(
      `Supergraph composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`,
    );
  }
  return result;
}

/** Composes subgraph SDL into a supergraph; composition errors name the subgraph and type. */
export function composeSupergraph(subgraphs: SubgraphSdl[]): string {
  return composed(subgraphs).supergraphSdl!;
}

/**
 * The API schema clients see: the supergraph without federation's machinery (join and link
 * directives, `_entities`), as plain SDL any GraphQL tool reads (the Python client's codegen).
 */
export function composeApiSchema(subgraphs: SubgraphSdl[]): string {
  return printSchema(composed(subgraphs).schema!.toAPISchema().toGraphQLJSSchema());
}
