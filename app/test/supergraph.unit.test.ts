import { listSizesOf } from '@jarvis/router';
import { Kind, parse, print } from 'graphql';
import { expect, it } from 'vitest';
import { precomposedSupergraph } from '../src/committedSupergraph.ts';
import {
  composeCommittedApiSchema,
  composeCommittedSupergraph,
  readCommittedApiSchema,
  readCommittedSupergraph,
} from '../src/index.ts';
import { SUBGRAPHS } from '../src/subgraphCatalog.ts';

it('schema/supergraph.graphql is what the subgraphs compose to today', () => {
  const fresh = composeCommittedSupergraph();
  const committed = readCommittedSupergraph();
  expect(
    committed === fresh,
    'schema/supergraph.graphql is stale: run `npm run supergraph` and commit it',
  ).toBe(true);
});

it('schema/api.graphql (what clients see, for the Python client) is fresh too, with no federation machinery', () => {
  const committed = readCommittedApiSchema();
  expect(
    committed === composeCommittedApiSchema(),
    'schema/api.graphql is stale: run `npm run supergraph`',
  ).toBe(true);
  expect(committed).toContain('type Query');
  expect(committed).not.toMatch(/join__|link__|_entities|@key/);
});

it('every connection in the supergraph says its page size with @listSize, so the router’s cost estimate reads it', () => {
  const sdl = readCommittedSupergraph();
  const sizes = listSizesOf(sdl);
  const connections = parse(sdl).definitions.flatMap((d) =>
    d.kind === Kind.OBJECT_TYPE_DEFINITION
      ? (d.fields ?? [])
          .filter((f) => print(f.type).replace(/!$/, '').endsWith('Connection'))
          .map((f) => `${d.name.value}.${f.name.value}`)
      : [],
  );
  expect(connections.length).toBeGreaterThan(15);
  const unsized = connections.filter((c) => !sizes.get(c)?.slicingArguments?.length);
  expect(unsized, 'connections without @listSize(slicingArguments: …)').toEqual([]);
  expect(connections.every((c) => sizes.get(c)?.sizedFields?.includes('edges'))).toBe(true);
});

it('the committed supergraph stands in for composing only for exactly the subgraphs it was composed from', () => {
  expect(precomposedSupergraph(SUBGRAPHS)).toBe(readCommittedSupergraph());
  expect(precomposedSupergraph(SUBGRAPHS.slice(1))).toBeUndefined();
  // A schema.graphql edited since `npm run supergraph`: the router composes instead.
  const [first, ...rest] = SUBGRAPHS;
  const edited = { ...first!, typeDefs: parse(`${first!.typeDefs.loc!.source.body}\n# edited`) };
  expect(precomposedSupergraph([edited, ...rest])).toBeUndefined();
});
