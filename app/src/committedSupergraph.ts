import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from '@jarvis/router';
import { defaultSubgraphUrl, SUBGRAPHS } from './subgraphCatalog.ts';

export const SUPERGRAPH_FILE = new URL('../../schema/supergraph.graphql', import.meta.url);

const HEADER = '# Composed from subgraphs/*/schema.graphql by `npm run supergraph`. Do not edit.\n';

/** The supergraph as it should be committed: composed from every subgraph's SDL. */
export function composeCommittedSupergraph(): string {
  return (
    HEADER +
    composeSupergraph(
      SUBGRAPHS.map((s) => ({ name: s.name, url: defaultSubgraphUrl(s.name), typeDefs: s.typeDefs })),
    )
  );
}

export function readCommittedSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}

export function writeCommittedSupergraph(): string {
  const sdl = composeCommittedSupergraph();
  writeFileSync(SUPERGRAPH_FILE, sdl);
  return sdl;
}
