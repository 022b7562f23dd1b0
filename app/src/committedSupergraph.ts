import { readFileSync, writeFileSync } from 'node:fs';
import { composeApiSchema, composeSupergraph } from '@jarvis/router';
import { defaultSubgraphUrl, SUBGRAPHS } from './subgraphCatalog.ts';

export const SUPERGRAPH_FILE = new URL('../../schema/supergraph.graphql', import.meta.url);
/** The API schema alone (what clients see), for client generators that do not read federation. */
export const API_SCHEMA_FILE = new URL('../../schema/api.graphql', import.meta.url);

const HEADER = '# Composed from subgraphs/*/schema.graphql by `npm run supergraph`. Do not edit.\n';

/** The supergraph as it should be committed: composed from every subgraph's SDL. */
export function composeCommittedSupergraph(): string {
  return HEADER + composeSupergraph(subgraphSdl());
}

const subgraphSdl = () =>
  SUBGRAPHS.map((s) => ({ name: s.name, url: defaultSubgraphUrl(s.name), typeDefs: s.typeDefs }));

/** The API schema as it should be committed. */
export function composeCommittedApiSchema(): string {
  return HEADER + composeApiSchema(subgraphSdl());
}

export function readCommittedApiSchema(): string {
  return readFileSync(API_SCHEMA_FILE, 'utf8');
}

export function readCommittedSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}

export function writeCommittedSupergraph(): string {
  const sdl = composeCommittedSupergraph();
  writeFileSync(SUPERGRAPH_FILE, sdl);
  writeFileSync(API_SCHEMA_FILE, composeCommittedApiSchema());
  return sdl;
}
