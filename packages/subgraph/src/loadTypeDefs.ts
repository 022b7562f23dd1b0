import { readFileSync } from 'node:fs';
import { type DocumentNode, parse } from 'graphql';

/** Reads a subgraph's schema.graphql (SDL first: the file is the source of truth). */
export function loadTypeDefs(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}
