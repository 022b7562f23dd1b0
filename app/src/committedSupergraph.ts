import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { composeApiSchema, composeSupergraph } from '@jarvis/router';
import { type DocumentNode, print } from 'graphql';
import { defaultSubgraphUrl, SUBGRAPHS } from './subgraphCatalog.ts';

export const SUPERGRAPH_FILE = new URL('../../schema/supergraph.graphql', import.meta.url);
/** The API schema alone (what clients see), for client generators that do not read federation. */
export const API_SCHEMA_FILE = new URL('../../schema/api.graphql', import.meta.url);

const HEADER = '# Composed from subgraphs/*/schema.graphql by `npm run supergraph`. Do not edit.\n';

/** What the supergraph was composed from: every subgraph's name and SDL text, hashed. */
export function subgraphsDigest(subgraphs: readonly { name: string; typeDefs: DocumentNode }[]): string {
  const hash = createHash('sha256');
  for (const s of subgraphs) hash.update(`${s.name}\n${s.typeDefs.loc?.source.body ?? print(s.typeDefs)}\n`);
  return hash.digest('hex');
}

const digestLine = (digest: string) => `# subgraphs sha256 ${digest}\n`;

/** The supergraph as it should be committed: composed from every subgraph's SDL. */
export function composeCommittedSupergraph(): string {
  return HEADER + digestLine(subgraphsDigest(SUBGRAPHS)) + composeSupergraph(subgraphSdl());
}

/**
 * The committed supergraph, if it was composed from exactly these subgraphs (its digest line
 * says so), so `jarvis dev` need not compose at every start; undefined when a schema.graphql
 * changed since `npm run supergraph`, or another set of subgraphs runs: then the router composes.
 */
export function precomposedSupergraph(
  subgraphs: readonly { name: string; typeDefs: DocumentNode }[],
): string | undefined {
  let sdl: string;
  try {
    sdl = readCommittedSupergraph();
  } catch {
    return undefined;
  }
  return sdl.startsWith(HEADER + digestLine(subgraphsDigest(subgraphs))) ? sdl : undefined;
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
